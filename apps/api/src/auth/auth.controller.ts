import { Body, Controller, Delete, Get, Header, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ApiErrorDto } from '../common/api-error.dto';
import { AuthenticatedOnly, CurrentIdentity, CurrentToken, Public } from './access.decorators';
import type { AuthIdentity } from './auth-identity';
import { mapIssuedToken, mapTokenInfo } from './auth.mappers';
import { AuthService } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { IssuedTokenDto, TokenInfoDto } from './dto/token.dto';
import type { Request } from 'express';
import { clientAddress } from './client-address';

@ApiTags('auth')
@Controller('auth/tokens')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post()
  @Public()
  // The answer carries a token: no cache along the way may keep it.
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Log in',
    description:
      "Passes a user's name and password (optionally a project and domains), or an application credential, to Keystone " +
      'and returns the token Keystone issues, its expiry and roles. Send the token as `X-Auth-Token` (or ' +
      '`Authorization: Bearer`) on every other call. The API stores no credential. Tools may skip this and send a ' +
      'token they got from Keystone themselves. Failed logins are limited per client address (`AUTH_LOGIN_LIMIT` per ' +
      '`AUTH_LOGIN_WINDOW_SECONDS`) and per user name (locked after `AUTH_LOCKOUT_THRESHOLD` consecutive failures, for ' +
      'longer after each further one); a user without any read role gets a 403 and no token.',
  })
  @ApiCreatedResponse({ type: IssuedTokenDto, description: 'A Keystone token for the user, with its expiry and roles.' })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'Missing or malformed fields: `errors` names them.' })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'Keystone refused the credentials.' })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'The user has none of the roles that may use this API (no token is returned).' })
  @ApiTooManyRequestsResponse({
    type: ApiErrorDto,
    description: 'Too many failed logins from this address or for this user name; `Retry-After` says when to try again.',
  })
  @ApiServiceUnavailableResponse({ type: ApiErrorDto, description: 'Keystone could not be reached.' })
  async login(@Body() body: LoginDto, @Req() request: Request): Promise<IssuedTokenDto> {
    const { token, identity } = await this.auth.login(body, clientAddress(request));
    return mapIssuedToken(token, identity, this.auth.permissions(identity));
  }

  @Get()
  @AuthenticatedOnly()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Who am I',
    description:
      "What Keystone says about the caller's token (user, project, roles, expiry) and what it allows here. Any valid token may ask.",
  })
  @ApiOkResponse({ type: TokenInfoDto, description: 'Who the token belongs to, its project, roles and expiry.' })
  getCurrentToken(@CurrentIdentity() identity: AuthIdentity): TokenInfoDto {
    return mapTokenInfo(identity, this.auth.permissions(identity));
  }

  @Delete()
  @AuthenticatedOnly()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Log out',
    description: "Revokes the caller's token at Keystone: it stops working here at once, and everywhere else in the cloud.",
  })
  @ApiNoContentResponse({ description: 'Revoked.' })
  async logout(@CurrentToken() token: string): Promise<void> {
    await this.auth.logout(token);
  }
}
