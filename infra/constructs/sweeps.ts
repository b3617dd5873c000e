/**
 * The scheduled sweeps of SPEC §5: one function and one EventBridge rule per entry of shared/schedules.ts,
 * all from the one entry functions/scheduled/sweep.ts, told apart by env SWEEP.
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule as EventSchedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { RecursiveLoop } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ACCOUNT_SWEEPS, SWEEP_KINDS, type DueKind, type SweepKind } from '../../shared/domain/due';
import { SCHEDULES, SWEEP_READS, type Schedule } from '../../shared/schedules';
import { DUE_KIND_INDEX, type Index } from '../../shared/store/table';
import { allowAlerts } from './alerting';
import { LambdaFunction } from './lambda-function';
import { pascal } from './names';
import { DeadLetterQueue } from './queues';
import { allowTable, TableAction } from './table-access';

const SWEEP_ENTRY = 'functions/scheduled/sweep.ts';

/** Lambda's longest run. A sweep that needs longer hands over to a fresh invocation of itself. */
const SWEEP_TIMEOUT = Duration.minutes(15);

/** How long one invocation works before handing over: the timeout less room to finish a page and hand over. */
const SWEEP_TIME_BUDGET = SWEEP_TIMEOUT.minus(Duration.minutes(3));

/** The indexes a sweep reads its candidates from: those serving the candidate sets it reads (least privilege). */
function indexesRead(sweep: SweepKind): readonly Index[] {
  const kinds: readonly DueKind[] = SWEEP_READS[sweep];
  return [...new Set(kinds.map((kind) => DUE_KIND_INDEX[kind]))];
}

/** The indexes each sweep reads its candidates from (docs/design.md: the due-time indexes). */
const SWEEP_INDEXES = Object.fromEntries(SWEEP_KINDS.map((sweep) => [sweep, indexesRead(sweep)])) as Readonly<
  Record<SweepKind, readonly Index[]>
>;

/** Only the stuck detector and the destructive sweeps' brakes raise alerts (SPEC §5). */
const publishesAlerts = (schedule: Schedule): boolean => schedule.destructive || schedule.sweep === 'stuck';

/** The sweeps that continue a long run in a fresh invocation of themselves (the stuck detector never does). */
const continues = (schedule: Schedule): boolean => (ACCOUNT_SWEEPS as readonly string[]).includes(schedule.sweep);

interface SweepsProps {
  readonly table: ITable;
  readonly alertTopic: ITopic;
  /** Environment every function gets (TABLE_NAME, ALERT_TOPIC_ARN, settings). */
  readonly environment: Readonly<Record<string, string>>;
}

interface SweepFunction {
  readonly schedule: Schedule;
  readonly fn: LambdaFunction;
  readonly rule: Rule;
}

/**
 * The sweep functions, their schedules and the dead-letter queue for runs that failed every retry.
 *
 * @example
 * const sweeps = new Sweeps(this, 'Sweeps', { table, alertTopic, environment });
 * sweeps.functions.map((s) => s.fn.metricErrors());
 */
class Sweeps extends Construct {
  readonly functions: readonly SweepFunction[];
  /** Scheduled or continuation invocations that failed all of Lambda's (or EventBridge's) retries. */
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: SweepsProps) {
    super(scope, id);
    this.deadLetterQueue = new DeadLetterQueue(this, 'Dlq', { holds: 'sweep invocations that failed every retry' });
    this.functions = SCHEDULES.map((schedule) => this.sweep(schedule, props));
  }

  private sweep(schedule: Schedule, props: SweepsProps): SweepFunction {
    const stack = Stack.of(this);
    const name = pascal(schedule.sweep);
    // An explicit name, so a sweep can be allowed to invoke itself (a continuation) without its policy
    // referring to the function resource, which would be circular.
    const functionName = `${stack.stackName}-${schedule.sweep}-sweep`;
    const fn = new LambdaFunction(this, `${name}Function`, {
      entry: SWEEP_ENTRY,
      description: `mailbox-lifecycle ${schedule.sweep} sweep: ${schedule.description}`,
      functionName,
      timeout: SWEEP_TIMEOUT,
      memorySize: 1024,
      deadLetterQueue: this.deadLetterQueue,
      // A long sweep continues in a fresh invocation of itself, by design; the stuck detector does not.
      ...(continues(schedule) ? { recursiveLoop: RecursiveLoop.ALLOW } : {}),
      environment: {
        ...props.environment,
        SWEEP: schedule.sweep,
        SWEEP_TIME_BUDGET_MS: String(SWEEP_TIME_BUDGET.toMilliseconds()),
      },
    });
    if (continues(schedule)) {
      fn.allow(
        new PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [
            stack.formatArn({
              service: 'lambda',
              resource: 'function',
              resourceName: functionName,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ],
        }),
      );
    }
    // Read an account again (a lost race), write a change or a stuck mark (Puts in a transaction, an Update
    // of the domain's counter item). A sweep only starts a purge; the worker completes it, so no Delete here.
    allowTable(fn, props.table, {
      actions: [TableAction.GET, TableAction.PUT, TableAction.UPDATE],
      indexes: SWEEP_INDEXES[schedule.sweep],
    });
    if (publishesAlerts(schedule)) allowAlerts(fn, props.alertTopic);

    const rule = new Rule(this, `${name}Schedule`, {
      description: `mailbox-lifecycle ${schedule.sweep} sweep: ${schedule.description}`,
      schedule: EventSchedule.expression(schedule.expression),
      targets: [
        new LambdaTarget(fn.live, {
          // The sweep's own event shape ({dryRun?, maxAffected?, now?, continuation?}): a scheduled run sets none.
          event: RuleTargetInput.fromObject({}),
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 2,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });
    return { schedule, fn, rule };
  }
}

export { Sweeps, SWEEP_ENTRY, SWEEP_TIMEOUT, SWEEP_TIME_BUDGET, SWEEP_INDEXES };
export type { SweepsProps, SweepFunction };
