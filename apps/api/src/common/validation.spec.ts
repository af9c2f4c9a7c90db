import { ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { IsInt, IsString, Max, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { createValidationPipe } from './validation';

class WindowDto {
  @IsInt()
  @Min(1)
  @Max(50)
  count!: number;
}

class BodyDto {
  @IsString()
  name!: string;

  @ValidateNested()
  @Type(() => WindowDto)
  window!: WindowDto;
}

describe('createValidationPipe', () => {
  const sut = createValidationPipe();
  const meta: ArgumentMetadata = { type: 'body', metatype: BodyDto };

  async function errorOf(body: unknown) {
    try {
      await sut.transform(body, meta);
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestException);
      return (error as BadRequestException).getResponse() as { message: string; errors: { field: string; reason: string }[] };
    }
    throw new Error('expected a validation error');
  }

  it('names an unknown field and says it is not allowed', async () => {
    const res = await errorOf({ name: 'a', window: { count: 1 }, colour: 'red' });
    expect(res.errors).toEqual([{ field: 'colour', reason: 'is not an allowed field', constraint: 'whitelistValidation' }]);
    expect(res.message).toContain('colour');
  });

  it('reports nested fields with a dotted path and the reason without repeating the name', async () => {
    const res = await errorOf({ name: 'a', window: { count: 99 } });
    expect(res.errors).toEqual([{ field: 'window.count', reason: 'must not be greater than 50', constraint: 'max' }]);
  });

  it('transforms a valid body into the DTO class', async () => {
    await expect(sut.transform({ name: 'a', window: { count: 3 } }, meta)).resolves.toBeInstanceOf(BodyDto);
  });
});
