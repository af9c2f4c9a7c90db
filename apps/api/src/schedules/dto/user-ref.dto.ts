/** A Keystone user, as a schedule or run records who created, changed or stopped it. */
export class UserRefDto {
  id!: string;
  name!: string;
}
