import { ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { IsArray, IsIn, IsInt, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import { Transform, Type } from 'class-transformer';
import { PageQueryDto } from './page.dto';
import { createValidationPipe, QUERY_MEMO_KEY_LIMIT, QUERY_MEMO_SIZE } from './validation';

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

/** A page (the product's own) and a list filter, as the list routes' queries have. */
class ListQueryDto extends PageQueryDto {
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',') : value))
  @IsArray()
  @IsIn(['active', 'idle'], { each: true })
  state?: string[];
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

  describe('on a query', () => {
    const query: ArgumentMetadata = { type: 'query', metatype: ListQueryDto };
    let pipe: ReturnType<typeof createValidationPipe>;
    let validations: jest.SpyInstance;

    beforeEach(() => {
      pipe = createValidationPipe();
      validations = jest.spyOn(pipe as unknown as { validate: () => unknown }, 'validate');
    });

    it('validates a query it has seen before only once, and gives each request a copy of its own', async () => {
      const first = (await pipe.transform({ limit: '50', state: 'active,idle' }, query)) as ListQueryDto;
      const second = (await pipe.transform({ limit: '50', state: 'active,idle' }, query)) as ListQueryDto;
      expect(validations).toHaveBeenCalledTimes(1);
      expect(second).toBeInstanceOf(ListQueryDto);
      expect(second).toEqual(first);
      first.limit = 7;
      first.state?.push('idle');
      const third = (await pipe.transform({ limit: '50', state: 'active,idle' }, query)) as ListQueryDto;
      expect(third).toEqual({ limit: 50, state: ['active', 'idle'] });
      expect(second).toEqual({ limit: 50, state: ['active', 'idle'] });
    });

    it('refuses a bad query every time it comes, and tells different queries apart', async () => {
      for (let i = 0; i < 2; i++)
        await expect(pipe.transform({ limit: '500' }, query)).rejects.toMatchObject({
          response: { errors: [{ field: 'limit', reason: 'must not be greater than 100', constraint: 'max' }] },
        });
      await expect(pipe.transform({ limit: '5' }, query)).resolves.toEqual({ limit: 5 });
      await expect(pipe.transform({ state: 'gone' }, query)).rejects.toBeInstanceOf(BadRequestException);
      await expect(pipe.transform({ limit: '5', colour: 'red' }, query)).rejects.toBeInstanceOf(BadRequestException);
      expect(validations).toHaveBeenCalledTimes(5);
    });

    it('remembers a bounded number of queries and validates again once it has let them go', async () => {
      await pipe.transform({ limit: '1' }, query);
      const states = ['idle', 'active', 'idle,active', 'active,idle', 'active,active'];
      for (let i = 0; i < QUERY_MEMO_SIZE; i++)
        await pipe.transform({ limit: String(1 + (i % 100)), state: states[Math.floor(i / 100) % states.length] }, query);
      expect(validations).toHaveBeenCalledTimes(1 + QUERY_MEMO_SIZE);
      validations.mockClear();
      await pipe.transform({ limit: '1' }, query);
      expect(validations).toHaveBeenCalledTimes(1);
    });

    it('does not remember a long query', async () => {
      const long = { state: Array.from({ length: QUERY_MEMO_KEY_LIMIT / 4 }, () => 'active').join(',') };
      await pipe.transform(long, query);
      await expect(pipe.transform(long, query)).resolves.toBeInstanceOf(ListQueryDto);
      expect(validations).toHaveBeenCalledTimes(2);
    });

    it('leaves bodies to be validated on every request', async () => {
      await pipe.transform({ name: 'a', window: { count: 3 } }, meta);
      await pipe.transform({ name: 'a', window: { count: 3 } }, meta);
      expect(validations).toHaveBeenCalledTimes(2);
    });
  });
});
