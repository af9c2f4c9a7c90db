import { ApiProperty } from '@nestjs/swagger';

/** A Keystone user, as a schedule or run records who created, changed or stopped it. */
export class UserRefDto {
  @ApiProperty({ example: '9a8b7c6d5e4f40318e2d1c0b9a8f7e6d' })
  id!: string;
  @ApiProperty({ example: 'alice' })
  name!: string;
}
