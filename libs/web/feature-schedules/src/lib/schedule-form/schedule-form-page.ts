import {
  afterNextRender,
  ChangeDetectionStrategy,
  ChangeDetectorRef,
  Component,
  computed,
  DestroyRef,
  effect,
  ElementRef,
  inject,
  Injector,
  input,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import {
  AbstractControl,
  FormBuilder,
  FormControl,
  FormGroup,
  ReactiveFormsModule,
  ValidationErrors,
  ValidatorFn,
  Validators,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCardModule } from '@angular/material/card';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDatepickerModule } from '@angular/material/datepicker';
import { MatExpansionModule } from '@angular/material/expansion';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatTimepickerModule } from '@angular/material/timepicker';
import { Router, RouterLink } from '@angular/router';
import {
  ApiProblem,
  FieldProblem,
  loadState,
  LoadState,
  SchedulePreviewDto,
  ScheduleDto,
  SchedulesService,
  toApiProblem,
} from '@peak/api-client';
import {
  ChipSearchSelect,
  DateChips,
  EmptyState,
  Loading,
  OccurrenceList,
  PageHeader,
  SearchSelect,
  SelectOption,
  TextChips,
} from '@peak/web/ui';
import {
  browserTimeZone,
  describeCron,
  DisplayZone,
  ianaTimeZones,
  internalRoutes,
  Notifier,
  presetOfCron,
  RecurrencePreset,
  WEEKDAY_NAMES,
  WRITE_ACCESS,
  formatInZone,
} from '@peak/web/util';
import { debounceTime, distinctUntilChanged, interval, map, merge, of, startWith, switchMap } from 'rxjs';
import { CatalogNames } from '../shared/catalog-names';
import { LaunchCatalog } from '../shared/launch-catalog';
import { ReadOnlyHint } from '../shared/read-only-hint';
import { formatMinutes } from '../shared/schedule-text';
import {
  encodedUserDataBytes,
  hostnamePrefixValidator,
  launchOf,
  launchOptionCount,
  launchRules,
  LaunchFormValue,
  metadataKeyValidator,
  metadataRowsValidator,
  MetadataRow,
  PlacementMode,
  SERVER_GROUP_POLICIES,
  ServerGroupMode,
  ServerGroupPolicy,
  tagsValidator,
  userDataValidator,
} from './launch-form.model';
import { FORM_CLOCK } from './clock';
import { HoldsUnsavedChanges } from './unsaved-changes.guard';
import { fieldLabelOf, humanReason } from './field-labels';
import { scheduleLimits, windowLimits } from './schedule-limits';
import {
  cronShapeProblem,
  emptyFormValue,
  formFieldOf,
  isValidDate,
  oneOffNotesOf,
  formValueOf,
  presetCron,
  previewOf,
  requestOf,
  ScheduleFormPath,
  ScheduleFormValue,
  WindowKind,
} from './schedule-form.model';
import { CapacityFit } from './capacity-fit';

/** How many windows the live preview shows. */
const PREVIEW_COUNT = 8;

type TimingShown = Pick<ScheduleFormValue, 'kind' | 'preset'>;
type DateField = 'startDate' | 'startTime' | 'presetTime';

/** Which of the date and time fields the form shows: hidden ones must not block saving. */
const SHOWN: Record<DateField, (v: TimingShown) => boolean> = {
  startDate: (v) => v.kind === 'once',
  startTime: (v) => v.kind === 'once',
  presetTime: (v) => v.kind === 'recurring' && v.preset !== 'custom',
};

function shownTiming(control: AbstractControl): TimingShown | undefined {
  const parent = control.parent;
  if (!parent) return undefined;
  return { kind: parent.get('kind')?.value as WindowKind, preset: parent.get('preset')?.value as RecurrencePreset };
}

/** A date or time the form shows is required and must be one (a mistyped entry leaves an invalid date). */
function dateShown(field: DateField): ValidatorFn {
  return (control: AbstractControl): ValidationErrors | null => {
    const shown = shownTiming(control);
    if (!shown || !SHOWN[field](shown)) return null;
    if (control.value === null) return { required: true };
    return isValidDate(control.value as Date) ? null : { invalidDate: true };
  };
}

/** The cron field, shown for recurring windows: required, and five fields of cron characters. */
function cronShown(control: AbstractControl): ValidationErrors | null {
  if (shownTiming(control)?.kind !== 'recurring') return null;
  const cron = (control.value as string).trim();
  if (!cron) return { required: true };
  const problem = cronShapeProblem(cron);
  return problem === null ? null : { rule: problem };
}

/** Required only while a mode of the launch options shows the control (the hidden side of a mode is not sent). */
function requiredWhen(shown: (launch: Partial<LaunchFormValue>) => boolean): ValidatorFn {
  return (control: AbstractControl): ValidationErrors | null => {
    const launch = control.parent?.getRawValue() as Partial<LaunchFormValue> | undefined;
    if (!launch || !shown(launch)) return null;
    return Validators.required(control);
  };
}

const bytes = new Intl.NumberFormat('en-US');

type MetadataRowGroup = FormGroup<{ key: FormControl<string>; value: FormControl<string> }>;

/** A whole number (the API's counts and minutes are integers). */
function integer(control: AbstractControl): ValidationErrors | null {
  const value = control.value as number | null;
  return value === null || Number.isInteger(value) ? null : { integer: true };
}

/** The most VMs the API said it allows, in a reason such as "must not be greater than 50 (…)". */
function statedMaximum(row: FieldProblem): number | null {
  const match = /greater than (\d+)/.exec(row.reason);
  return row.constraint === 'max' && match?.[1] ? Number(match[1]) : null;
}

/** A schedule's id, as some reasons of the API name another schedule. */
const UUID_IN_TEXT = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i;

function oneOf(values: () => readonly string[]): ValidatorFn {
  return (control) => (control.value && !values().includes(control.value as string) ? { unknownOption: true } : null);
}

/** Create (no `id`) or edit (`/schedules/:id/edit`) a schedule, with a live preview of its next windows. */
@Component({
  selector: 'peak-schedule-form-page',
  imports: [
    CapacityFit,
    ChipSearchSelect,
    DateChips,
    EmptyState,
    Loading,
    MatButtonModule,
    MatButtonToggleModule,
    MatCardModule,
    MatCheckboxModule,
    MatDatepickerModule,
    MatExpansionModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
    MatTimepickerModule,
    OccurrenceList,
    PageHeader,
    ReactiveFormsModule,
    ReadOnlyHint,
    RouterLink,
    SearchSelect,
    TextChips,
  ],
  providers: [LaunchCatalog],
  templateUrl: './schedule-form-page.html',
  styleUrl: './schedule-form-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ScheduleFormPage implements HoldsUnsavedChanges {
  /** The route's `:id` when editing. */
  readonly id = input<string>();

  private readonly api = inject(SchedulesService);
  private readonly router = inject(Router);
  private readonly notifier = inject(Notifier);
  private readonly destroyRef = inject(DestroyRef);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);
  protected readonly catalog = inject(CatalogNames);
  protected readonly launchCatalog = inject(LaunchCatalog);
  /**
   * The route guard keeps readers off this page; if the role is lost while it is open (a login checked again
   * after a reload), the page says so and saves nothing.
   */
  protected readonly canWrite = inject(WRITE_ACCESS);
  protected readonly displayZone = inject(DisplayZone);
  protected readonly routes = internalRoutes.schedules;
  protected readonly weekdays = WEEKDAY_NAMES.map((name, value) => ({ name, value }));
  protected readonly presets: { value: RecurrencePreset; label: string }[] = [
    { value: 'daily', label: 'Every day' },
    { value: 'weekdays', label: 'Weekdays' },
    { value: 'weekly', label: 'Weekly' },
    { value: 'custom', label: 'Custom cron' },
  ];
  protected readonly zoneOptions: SelectOption[] = ianaTimeZones().map((zone) => ({ value: zone, label: zone }));

  /** The API's limits, for the inputs' `min`/`max`/`maxlength` attributes and the validators below. */
  protected readonly limits = scheduleLimits;
  protected readonly windowLimits = windowLimits;
  protected readonly launchRules = launchRules;
  protected readonly policies = SERVER_GROUP_POLICIES;

  private readonly fb = inject(FormBuilder).nonNullable;
  private readonly changes = inject(ChangeDetectorRef);
  /**
   * The deployment's own maximum of VMs (at most the contract's), once the API has stated it in a refusal: from then
   * on the field checks it as it is typed.
   */
  private readonly configuredMaxInstanceCount = signal<number | null>(null);
  private readonly clock = inject(FORM_CLOCK);
  private readonly initial = emptyFormValue(browserTimeZone(), this.clock());
  protected readonly form = this.fb.group({
    name: this.fb.control(this.initial.name, [
      Validators.required,
      Validators.maxLength(scheduleLimits.name.maxLength),
      Validators.pattern(/\S/),
    ]),
    description: this.fb.control(this.initial.description, Validators.maxLength(scheduleLimits.description.maxLength)),
    imageId: this.fb.control<string | null>(this.initial.imageId, Validators.required),
    flavorId: this.fb.control<string | null>(this.initial.flavorId, Validators.required),
    networkIds: this.fb.control<string[]>(this.initial.networkIds, Validators.required),
    // The contract states the highest maximum a deployment may configure; the configured one is learnt from the API.
    instanceCount: this.fb.control<number | null>(this.initial.instanceCount, [
      Validators.required,
      integer,
      Validators.min(scheduleLimits.instanceCount.minimum),
      Validators.max(scheduleLimits.instanceCount.maximum),
      (control) => {
        const max = this.configuredMaxInstanceCount();
        return max !== null && (control.value as number | null) !== null && (control.value as number) > max
          ? { max: { max, actual: control.value as number } }
          : null;
      },
    ]),
    timeZone: this.fb.control<string | null>(this.initial.timeZone, [Validators.required, oneOf(ianaTimeZones)]),
    kind: this.fb.control<WindowKind>(this.initial.kind),
    startDate: this.fb.control<Date | null>(this.initial.startDate, dateShown('startDate')),
    startTime: this.fb.control<Date | null>(this.initial.startTime, dateShown('startTime')),
    preset: this.fb.control<RecurrencePreset>(this.initial.preset),
    presetTime: this.fb.control<Date | null>(this.initial.presetTime, dateShown('presetTime')),
    weekday: this.fb.control(this.initial.weekday),
    cron: this.fb.control(this.initial.cron, cronShown),
    excludedDates: this.fb.control<string[]>(this.initial.excludedDates),
    // No field: kept as the schedule has them (see `ScheduleFormValue.validFrom`).
    validFrom: this.fb.control<string | null>(this.initial.validFrom),
    validUntil: this.fb.control<string | null>(this.initial.validUntil),
    durationMinutes: this.fb.control<number | null>(this.initial.durationMinutes, [
      Validators.required,
      integer,
      Validators.min(windowLimits.durationMinutes.minimum),
      Validators.max(windowLimits.durationMinutes.maximum),
    ]),
    leadTimeMinutes: this.fb.control<number | null>(this.initial.leadTimeMinutes, [
      Validators.required,
      integer,
      Validators.min(scheduleLimits.leadTimeMinutes.minimum),
      Validators.max(scheduleLimits.leadTimeMinutes.maximum),
    ]),
    enabled: this.fb.control(this.initial.enabled),
    launch: this.fb.group({
      keyName: this.fb.control<string | null>(this.initial.launch.keyName),
      securityGroups: this.fb.control<string[]>(
        this.initial.launch.securityGroups,
        Validators.maxLength(launchRules.securityGroups.maxItems),
      ),
      userData: this.fb.control(this.initial.launch.userData, userDataValidator),
      metadata: this.fb.array<MetadataRowGroup>([], metadataRowsValidator),
      tags: this.fb.control<string[]>(this.initial.launch.tags, tagsValidator),
      placement: this.fb.control<PlacementMode>(this.initial.launch.placement),
      availabilityZone: this.fb.control<string | null>(
        this.initial.launch.availabilityZone,
        requiredWhen((l) => l.placement === 'zone'),
      ),
      serverGroupMode: this.fb.control<ServerGroupMode>(this.initial.launch.serverGroupMode),
      serverGroupPolicy: this.fb.control<ServerGroupPolicy>(this.initial.launch.serverGroupPolicy),
      serverGroupId: this.fb.control<string | null>(
        this.initial.launch.serverGroupId,
        requiredWhen((l) => l.serverGroupMode === 'existing'),
      ),
      bootVolume: this.fb.control(this.initial.launch.bootVolume),
      bootVolumeSizeGiB: this.fb.control<number | null>(this.initial.launch.bootVolumeSizeGiB, [
        requiredWhen((l) => !!l.bootVolume),
        Validators.min(launchRules.bootVolumeSizeGiB.minimum),
        Validators.max(launchRules.bootVolumeSizeGiB.maximum),
      ]),
      volumeType: this.fb.control<string | null>(this.initial.launch.volumeType),
      deleteOnTermination: this.fb.control(this.initial.launch.deleteOnTermination),
      configDrive: this.fb.control(this.initial.launch.configDrive),
      description: this.fb.control(this.initial.launch.description, Validators.maxLength(launchRules.description.maxLength)),
      hostnamePrefix: this.fb.control(this.initial.launch.hostnamePrefix, hostnamePrefixValidator),
      loadBalancer: this.fb.control(this.initial.launch.loadBalancer),
      loadBalancerId: this.fb.control<string | null>(this.initial.launch.loadBalancerId),
      poolId: this.fb.control<string | null>(
        this.initial.launch.poolId,
        requiredWhen((l) => !!l.loadBalancer),
      ),
      protocolPort: this.fb.control<number | null>(this.initial.launch.protocolPort, [
        requiredWhen((l) => !!l.loadBalancer),
        integer,
        Validators.min(launchRules.loadBalancer.protocolPort.minimum),
        Validators.max(launchRules.loadBalancer.protocolPort.maximum),
      ]),
      memberSubnetId: this.fb.control(
        this.initial.launch.memberSubnetId,
        Validators.maxLength(launchRules.loadBalancer.subnetId.maxLength),
      ),
      memberWeight: this.fb.control<number | null>(this.initial.launch.memberWeight, [
        integer,
        Validators.min(launchRules.loadBalancer.weight.minimum),
        Validators.max(launchRules.loadBalancer.weight.maximum),
      ]),
      monitorAddress: this.fb.control(
        this.initial.launch.monitorAddress,
        Validators.maxLength(launchRules.loadBalancer.monitorAddress.maxLength),
      ),
      monitorPort: this.fb.control<number | null>(this.initial.launch.monitorPort, [
        integer,
        Validators.min(launchRules.loadBalancer.monitorPort.minimum),
        Validators.max(launchRules.loadBalancer.monitorPort.maximum),
      ]),
      waitForOnline: this.fb.control<boolean | null>(this.initial.launch.waitForOnline),
      drainSeconds: this.fb.control<number | null>(this.initial.launch.drainSeconds, [
        integer,
        Validators.min(launchRules.loadBalancer.drainSeconds.minimum),
        Validators.max(launchRules.loadBalancer.drainSeconds.maximum),
      ]),
    }),
  });
  protected readonly launchForm = this.form.controls.launch;
  protected readonly metadataRows = this.launchForm.controls.metadata;

  protected readonly editing = computed(() => this.id() !== undefined);
  /** The schedule being edited, once loaded. */
  protected readonly original = signal<LoadState<ScheduleDto> | null>(null);
  /** The schedule an edit changes, once loaded; `undefined` for a new one. */
  private readonly savedSchedule = computed(() => {
    const original = this.original();
    return this.id() !== undefined && original?.status === 'ok' ? original.value : undefined;
  });
  protected readonly saving = signal(false);
  /** Server problems the form has no field for (e.g. a stale version). */
  protected readonly formProblems = signal<readonly string[]>([]);
  /**
   * Why the last save was refused, beside the buttons that were pressed (a snackbar there would cover them): how many
   * problems the fields show, or the reason when it is about no field.
   */
  protected readonly submitProblem = signal<string | null>(null);
  protected readonly staleVersion = signal(false);

  private readonly value = toSignal(this.form.valueChanges.pipe(map(() => this.form.getRawValue())), {
    initialValue: this.form.getRawValue(),
  });
  protected readonly kind = computed(() => this.value().kind);
  /** The clock, read again every half minute for "starts in …". */
  private readonly now = toSignal(interval(30_000).pipe(map(() => this.clock())), { initialValue: this.clock() });
  protected readonly oneOffNotes = computed(() => oneOffNotesOf(this.value(), this.now(), this.savedSchedule()));
  protected readonly preset = computed(() => this.value().preset);
  protected readonly cronMeaning = computed(() => {
    const cron = this.value().cron.trim();
    return cron && presetOfCron(cron) ? describeCron(cron) : null;
  });
  /** The validity range the schedule has (no field edits it; saving keeps it), in words on the schedule's clock. */
  protected readonly validityText = computed(() => {
    const { validFrom, validUntil, timeZone, kind } = this.value();
    if (kind !== 'recurring' || (!validFrom && !validUntil)) return null;
    const at = (instant: string) => formatInZone(instant, timeZone ?? 'UTC');
    const from = validFrom ? `from ${at(validFrom)}` : '';
    const until = validUntil ? `before ${at(validUntil)}` : '';
    return `Windows start only ${[from, until].filter(Boolean).join(' and ')} (set through the API; kept when you save).`;
  });
  protected readonly durationText = computed(() => {
    const minutes = this.value().durationMinutes;
    return minutes && minutes > 0 ? formatMinutes(minutes) : '';
  });

  /** Whether the advanced launch options are open; they open by themselves when one of them is refused. */
  protected readonly launchExpanded = signal(false);
  private readonly launch = computed(() => this.value().launch);
  protected readonly placement = computed(() => this.launch().placement);
  protected readonly serverGroupMode = computed(() => this.launch().serverGroupMode);
  protected readonly bootVolume = computed(() => this.launch().bootVolume);
  /** What the collapsed section says: how many options are set, or that Nova's defaults apply. */
  protected readonly launchSummary = computed(() => {
    const count = launchOptionCount(launchOf(this.launch()));
    return count === 0 ? 'Nova defaults' : `${count} option${count === 1 ? '' : 's'} set`;
  });
  protected readonly userDataSize = computed(() => {
    const size = encodedUserDataBytes(this.launch().userData);
    return `${bytes.format(size)} of ${bytes.format(launchRules.userDataEncodedBytes)} bytes once encoded`;
  });
  protected readonly hostnameExample = computed(() => {
    const prefix = this.launch().hostnamePrefix;
    return prefix && launchRules.hostnamePrefix.test(prefix)
      ? `Hostnames: ${prefix}-1, ${prefix}-2…`
      : 'Hostnames become <prefix>-1, <prefix>-2… (empty: derived from the VM names)';
  });
  /** The key pairs, with the schedule's own when the signed-in user does not have it (Nova keeps them per user). */
  protected readonly keypairNames = computed(() => {
    const names = (this.launchCatalog.keypairs().value ?? []).map((k) => k.name);
    const current = this.launch().keyName;
    return current && !names.includes(current) ? [current, ...names] : names;
  });
  protected readonly zoneNames = computed(() => {
    const names = (this.launchCatalog.zones().value ?? []).map((z) => z.name);
    const current = this.launch().availabilityZone;
    return current && !names.includes(current) ? [current, ...names] : names;
  });
  protected readonly serverGroupOptions = computed(() => {
    const groups = (this.launchCatalog.serverGroups().value ?? []).map((g) => ({
      value: g.id,
      label: `${g.name || g.id} (${g.policy}, ${g.members} VM${g.members === 1 ? '' : 's'})`,
    }));
    const current = this.launch().serverGroupId;
    return current && !groups.some((g) => g.value === current) ? [{ value: current, label: current }, ...groups] : groups;
  });
  protected readonly loadBalancerOn = computed(() => this.launch().loadBalancer);
  /** The load balancers, named with their address (names may be empty or repeated in Octavia). */
  protected readonly loadBalancerOptions = computed(() =>
    (this.launchCatalog.loadBalancers().value ?? []).map((lb) => ({ value: lb.id, label: `${lb.name || lb.id} (${lb.vipAddress})` })),
  );
  private readonly selectedPool = computed(() => {
    const id = this.launch().poolId;
    return (this.launchCatalog.pools().value ?? []).find((pool) => pool.id === id) ?? null;
  });
  /** Each pool with its protocol and whether a health monitor checks its members; the schedule's own while unlisted. */
  protected readonly poolOptions = computed(() => {
    const pools = this.launch().loadBalancerId ? (this.launchCatalog.pools().value ?? []) : [];
    const options = pools.map((pool) => ({
      value: pool.id,
      label: `${pool.name || pool.id} (${pool.protocol}, ${pool.healthMonitorId ? 'health monitor' : 'no health monitor'})`,
    }));
    const current = this.launch().poolId;
    return current && !options.some((o) => o.value === current) ? [{ value: current, label: current }, ...options] : options;
  });
  /** What the checkbox shows: the choice made, else the API's default (on when the pool has a health monitor). */
  protected readonly waitForOnlineShown = computed(() => {
    const chosen = this.launch().waitForOnline;
    if (chosen !== null) return chosen;
    const pool = this.selectedPool();
    return pool ? pool.healthMonitorId !== undefined : true;
  });
  protected readonly waitForOnlineHint = computed(() => {
    if (this.launch().waitForOnline !== null) return 'Set for this schedule';
    const pool = this.selectedPool();
    if (!pool) return 'By default, on when the pool has a health monitor';
    return pool.healthMonitorId ? 'Follows the pool: it has a health monitor' : 'Follows the pool: it has no health monitor';
  });
  protected readonly subnetHint = computed(() => {
    const lb = (this.launchCatalog.loadBalancers().value ?? []).find((l) => l.id === this.launch().loadBalancerId);
    return `Empty: the load balancer's VIP subnet${lb?.vipSubnetId ? ` (${lb.vipSubnetId})` : ''}`;
  });
  protected readonly volumeTypeNames = computed(() => {
    const names = (this.launchCatalog.volumeTypes().value ?? []).map((t) => t.name);
    const current = this.launch().volumeType;
    return current && !names.includes(current) ? [current, ...names] : names;
  });

  /** Every form change (debounced) previews the timing; a newer change cancels the older request. */
  protected readonly preview = toSignal(
    this.form.valueChanges.pipe(
      startWith(null),
      debounceTime(300),
      map(() => previewOf(this.form.getRawValue(), this.savedSchedule())),
      distinctUntilChanged((a, b) => JSON.stringify(a) === JSON.stringify(b)),
      switchMap((timing) => (timing ? loadState(this.api.previewSchedule({ body: timing, count: PREVIEW_COUNT })) : of(null))),
    ),
    { initialValue: null as LoadState<SchedulePreviewDto> | null },
  );

  constructor() {
    this.keepPresetAndCronInStep();
    this.rememberValidDates();
    // Validators that read `kind` or `preset` must run again when they change, and hidden fields must not keep errors.
    merge(this.form.controls.kind.valueChanges, this.form.controls.preset.valueChanges)
      .pipe(takeUntilDestroyed())
      .subscribe(() => this.settleHiddenTiming());
    // The same for the launch options' modes.
    const launch = this.launchForm.controls;
    merge(
      launch.placement.valueChanges,
      launch.serverGroupMode.valueChanges,
      launch.bootVolume.valueChanges,
      launch.loadBalancer.valueChanges,
    )
      .pipe(takeUntilDestroyed())
      .subscribe(() => {
        for (const name of ['availabilityZone', 'serverGroupId', 'bootVolumeSizeGiB', 'poolId', 'protocolPort'] as const) {
          launch[name].updateValueAndValidity();
        }
      });
    // Without Octavia (or a load balancer in the project) there is no pool to join: the option stays off.
    effect(() => {
      const toggle = this.launchForm.controls.loadBalancer;
      if (this.launchCatalog.noLoadBalancers() && !untracked(() => toggle.value)) toggle.disable();
    });
    // A saved schedule names its pool only: its load balancer is the one that lists the pool.
    effect(() => {
      const balancers = this.launchCatalog.loadBalancers().value;
      const { poolId, loadBalancerId } = this.launch();
      if (!balancers || !poolId || loadBalancerId) return;
      const owner = balancers.find((lb) => lb.poolIds.includes(poolId));
      if (owner) untracked(() => this.launchForm.controls.loadBalancerId.setValue(owner.id));
    });
    effect(() => {
      const id = this.launch().loadBalancerId;
      if (id) untracked(() => this.launchCatalog.loadPools(id));
    });
    // Without block storage there is nothing to boot from: the option stays off (a schedule that has one keeps it).
    effect(() => {
      const toggle = this.launchForm.controls.bootVolume;
      if (this.launchCatalog.noVolumes() && !untracked(() => toggle.value)) toggle.disable();
    });
    effect(() => {
      const id = this.id();
      if (id) untracked(() => this.load(id));
    });
    // What the preview finds wrong is said once, at its field, as it is typed.
    effect(() => {
      const preview = this.preview();
      untracked(() => this.placePreviewProblems(preview?.status === 'error' ? preview.problem : null));
    });
  }

  /** The fields that show a reason of the last preview (cleared when a newer preview answers). */
  private readonly previewFields = new Set<ScheduleFormPath>();

  /** The form field where a problem of the API is shown, if the form shows it now (closed launch options do not). */
  private placedField(apiField: string): ScheduleFormPath | null {
    const field = formFieldOf(apiField, this.form.controls.kind.value, this.launchForm.controls.serverGroupMode.value);
    if (!field || (field.startsWith('launch.') && !this.launchExpanded())) return null;
    return field;
  }

  private placePreviewProblems(problem: ApiProblem | null): void {
    for (const field of this.previewFields) {
      const control = this.form.get(field);
      if (control?.errors && 'preview' in control.errors) {
        const { preview: _shown, ...rest } = control.errors;
        control.setErrors(Object.keys(rest).length > 0 ? rest : null);
      }
    }
    this.previewFields.clear();
    for (const row of problem?.fieldProblems ?? []) {
      const field = this.placedField(row.field);
      const control = field && this.form.get(field);
      if (!field || !control) continue;
      control.setErrors({ ...(control.errors ?? {}), preview: humanReason(row.reason) });
      control.markAsTouched();
      this.previewFields.add(field);
    }
    this.changes.markForCheck();
  }

  /** Whether leaving loses something: a change not saved (after a save the form is pristine again). */
  hasUnsavedChanges(): boolean {
    return this.form.dirty && this.form.enabled && this.canWrite();
  }

  /** The first opening of the advanced launch options loads their pickers. */
  protected openLaunch(): void {
    this.launchExpanded.set(true);
    this.launchCatalog.load();
  }

  /** Another load balancer: its pools are listed, and the pool chosen before is not one of them. */
  protected loadBalancerChosen(): void {
    this.launchForm.controls.poolId.setValue(null);
  }

  /** Another pool: whether to wait for ONLINE follows its health monitor again, unless chosen below. */
  protected poolChosen(): void {
    this.launchForm.controls.waitForOnline.setValue(null);
  }

  protected setWaitForOnline(checked: boolean): void {
    const control = this.launchForm.controls.waitForOnline;
    control.setValue(checked);
    control.markAsDirty();
  }

  protected addMetadataRow(): void {
    this.metadataRows.push(this.metadataRow({ key: '', value: '' }));
    this.metadataRows.markAsDirty();
  }

  protected removeMetadataRow(index: number): void {
    this.metadataRows.removeAt(index);
    this.metadataRows.markAsTouched();
    this.metadataRows.markAsDirty();
  }

  protected rowError(index: number, part: 'key' | 'value'): string | null {
    return this.errorText(`launch.metadata.${index}.${part}`);
  }

  protected errorText(field: ScheduleFormPath | `launch.metadata.${number}.${'key' | 'value'}`): string | null {
    const errors = this.form.get(field)?.errors;
    if (!errors) return null;
    if (typeof errors['server'] === 'string') return errors['server'];
    if (typeof errors['preview'] === 'string') return errors['preview'];
    if (typeof errors['rule'] === 'string') return errors['rule'];
    if (errors['required']) return 'Required';
    if (errors['integer']) return 'A whole number';
    if (errors['min']) return `At least ${(errors['min'] as { min: number }).min}`;
    if (errors['max']) return `At most ${(errors['max'] as { max: number }).max}`;
    if (errors['maxlength']) {
      const { requiredLength } = errors['maxlength'] as { requiredLength: number };
      return field === 'launch.securityGroups' ? `At most ${requiredLength} security groups` : `At most ${requiredLength} characters`;
    }
    if (errors['pattern']) return 'Must have a visible character';
    if (errors['unknownOption']) return 'Choose one from the list';
    if (errors['matDatepickerParse']) return 'Not a valid date';
    if (errors['matTimepickerParse']) return 'Not a valid time (e.g. 4:45 PM)';
    if (errors['invalidDate']) return field === 'startDate' ? 'Not a valid date' : 'Not a valid time (e.g. 4:45 PM)';
    return 'Invalid value';
  }

  /** What the preview refuses that no field shows (those are said at their field); empty when all are. */
  /** The preview's zone: the schedule's, or the viewer's (naming the schedule's too) when they chose theirs. */
  protected previewZoneLabel(): string {
    const zone = this.form.controls.timeZone.value ?? '';
    if (zone === '') return '';
    const shown = this.displayZone.zoneFor(zone);
    return shown === zone ? zone : `${shown} (the schedule's zone is ${zone})`;
  }

  protected previewProblems(problem: ApiProblem): string[] {
    if (problem.fieldProblems.length === 0) return [humanReason(problem.message)];
    return problem.fieldProblems.filter((row) => this.placedField(row.field) === null).map((row) => this.describeProblem(row));
  }

  /** "Cron expression: must be …", with the field's label as the form shows it. */
  private describeProblem(row: FieldProblem): string {
    const label = fieldLabelOf(row.field, this.form.controls.kind.value, this.launchForm.controls.serverGroupMode.value);
    return `${label}: ${humanReason(row.reason)}`;
  }

  protected submit(): void {
    if (!this.canWrite()) return;
    this.form.markAllAsTouched();
    this.formProblems.set([]);
    this.submitProblem.set(null);
    const saved = this.savedSchedule();
    const body = requestOf(this.form.getRawValue(), saved);
    if (this.form.invalid || !body) {
      this.focusFirstInvalid();
      return;
    }
    const id = this.id();
    const call = saved
      ? this.api.updateSchedule({ id: saved.id, body: { ...body, version: saved.version } })
      : this.api.createSchedule({ body });
    this.saving.set(true);
    call.pipe(takeUntilDestroyed(this.destroyRef)).subscribe({
      next: (saved) => {
        this.saving.set(false);
        this.form.markAsPristine();
        this.notifier.success(`“${saved.name}” ${id ? 'saved' : 'created'}.`);
        void this.router.navigate(this.routes.subRoutes.detail.link(saved.id));
      },
      error: (error: unknown) => {
        this.saving.set(false);
        this.showProblem(toApiProblem(error));
      },
    });
  }

  protected reload(): void {
    const id = this.id();
    if (id) this.load(id);
  }

  private load(id: string): void {
    this.staleVersion.set(false);
    this.formProblems.set([]);
    loadState(this.api.getSchedule({ id }))
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((state) => {
        this.original.set(state);
        if (state.status === 'ok') {
          const value = formValueOf(state.value);
          this.metadataRows.clear({ emitEvent: false });
          for (const row of value.launch.metadata) this.metadataRows.push(this.metadataRow(row), { emitEvent: false });
          this.form.reset(value);
          // The pickers show the names of what is set: their lists load at once.
          if (launchOptionCount(launchOf(value.launch)) > 0) this.launchCatalog.load();
          if (state.value.state === 'deleting') this.form.disable();
        }
      });
  }

  /** Puts each server-side reason on its field; what has no field goes above the form. */
  private showProblem(problem: ApiProblem): void {
    const unplaced: string[] = [];
    const kind = this.form.controls.kind.value;
    for (const row of problem.fieldProblems) {
      if (row.field === 'version') this.staleVersion.set(true);
      const max = row.field === 'instanceCount' ? statedMaximum(row) : null;
      if (max !== null) this.configuredMaxInstanceCount.set(Math.min(max, scheduleLimits.instanceCount.maximum));
      const field = formFieldOf(row.field, kind, this.launchForm.controls.serverGroupMode.value);
      const control = field && this.form.get(field);
      if (control) {
        const owner = UUID_IN_TEXT.exec(row.reason)?.[0];
        const reason = humanReason(owner ? row.reason.replace(` by schedule ${owner}`, ' by another schedule') : row.reason);
        control.setErrors({ ...(control.errors ?? {}), server: reason });
        control.markAsTouched();
        if (field.startsWith('launch.')) this.openLaunch();
        if (owner) this.nameTheOtherSchedule(control, reason, owner);
      } else if (row.field !== 'version') {
        unplaced.push(this.describeProblem(row));
      }
    }
    this.formProblems.set(unplaced);
    // The reasons are at their fields (or above the form): beside the buttons, only that it was refused.
    const count = problem.fieldProblems.filter((row) => row.field !== 'version').length;
    const verb = this.editing() ? 'saved' : 'created';
    if (count > 0) this.submitProblem.set(`Not ${verb}: ${count === 1 ? 'one problem' : `${count} problems`} to correct on the form.`);
    else if (!this.staleVersion()) this.submitProblem.set(`Not ${verb}: ${humanReason(problem.message)}`);
  }

  /**
   * "Already used by another schedule": by its name when this user may read it (the API names it by id), as long as
   * the field still shows that reason.
   */
  private nameTheOtherSchedule(control: AbstractControl, reason: string, id: string): void {
    this.api
      .getSchedule({ id })
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (other) => {
          if (control.errors?.['server'] !== reason) return;
          control.setErrors({ ...control.errors, server: reason.replace('another schedule', `“${other.name}”`) });
          this.changes.markForCheck();
        },
        // Not readable here (another project): "another schedule" it stays.
        error: () => undefined,
      });
  }

  /** The highlighted fields say what is wrong; the first one gets the focus so it is also on screen. */
  private focusFirstInvalid(): void {
    if (this.launchForm.invalid) this.openLaunch();
    // After the errors render: markAllAsTouched only takes effect on the next change detection.
    afterNextRender(
      () => {
        const field = this.host.nativeElement.querySelector<HTMLElement>('.mat-form-field-invalid input, .mat-form-field-invalid textarea');
        field?.focus();
      },
      { injector: this.injector },
    );
  }

  private metadataRow(row: MetadataRow): MetadataRowGroup {
    return this.fb.group({
      key: this.fb.control(row.key, metadataKeyValidator),
      value: this.fb.control(row.value, Validators.maxLength(launchRules.metadataValueLength)),
    });
  }

  /** The last valid value of each date and time field, put back when a field is hidden with a typo in it. */
  private readonly lastValidDates = new Map<DateField, Date>();

  private rememberValidDates(): void {
    for (const name of ['startDate', 'startTime', 'presetTime'] as const) {
      const control = this.form.controls[name];
      if (isValidDate(control.value)) this.lastValidDates.set(name, control.value);
      control.valueChanges.pipe(takeUntilDestroyed()).subscribe((value) => {
        if (isValidDate(value)) this.lastValidDates.set(name, value);
      });
    }
  }

  /**
   * After a change of the kind of window or of the preset: a hidden date or time field gives up an invalid entry
   * (for its last valid value), and once its input is gone (with the picker's own validator), its errors are checked
   * again, so a typo in a field no longer shown never blocks saving.
   */
  private settleHiddenTiming(): void {
    const shown = this.form.getRawValue();
    for (const name of ['startDate', 'startTime', 'presetTime'] as const) {
      const control = this.form.controls[name];
      if (!SHOWN[name](shown) && control.value !== null && !isValidDate(control.value)) {
        control.setValue(this.lastValidDates.get(name) ?? null, { emitEvent: false });
      }
    }
    const revalidate = () => {
      for (const name of ['startDate', 'startTime', 'presetTime', 'cron'] as const) {
        this.form.controls[name].updateValueAndValidity({ emitEvent: false });
      }
    };
    revalidate();
    afterNextRender(revalidate, { injector: this.injector });
  }

  /**
   * Presets write the cron field; typing a cron expression selects the preset it matches (or Custom). A start time
   * that is not one (a typo, or cleared) writes nothing: the cron keeps the last valid time, and choosing a preset
   * meanwhile writes it with that time.
   */
  private keepPresetAndCronInStep(): void {
    const { preset, presetTime, weekday, cron } = this.form.controls;
    let writing = false;
    merge(preset.valueChanges, presetTime.valueChanges, weekday.valueChanges)
      .pipe(takeUntilDestroyed())
      .subscribe(() => {
        const value = this.form.getRawValue();
        const expression = presetCron({ ...value, presetTime: isValidDate(value.presetTime) ? value.presetTime : this.lastPresetTime() });
        if (expression === null || expression === cron.value) return;
        // What the presets write goes to the cron alone: a typo in the time field stays there, with its error.
        writing = true;
        cron.setValue(expression);
        writing = false;
      });
    cron.valueChanges.pipe(takeUntilDestroyed()).subscribe((expression) => {
      if (writing) return;
      const match = presetOfCron(expression);
      if (!match) {
        if (preset.value !== 'custom') preset.setValue('custom', { emitEvent: false });
        return;
      }
      const time = new Date(isValidDate(presetTime.value) ? presetTime.value : new Date());
      time.setHours(match.hour, match.minute, 0, 0);
      preset.setValue(match.preset, { emitEvent: false });
      presetTime.setValue(time, { emitEvent: false });
      if (match.weekday !== undefined) weekday.setValue(match.weekday, { emitEvent: false });
      presetTime.updateValueAndValidity({ emitEvent: false });
    });
  }

  /** The time of day the cron stands for when it is a preset's, else the last valid start time, else 08:00. */
  private lastPresetTime(): Date {
    const match = presetOfCron(this.form.controls.cron.value);
    const time = new Date(this.lastValidDates.get('presetTime') ?? new Date());
    if (match) time.setHours(match.hour, match.minute, 0, 0);
    else if (!this.lastValidDates.has('presetTime')) time.setHours(8, 0, 0, 0);
    return time;
  }
}
