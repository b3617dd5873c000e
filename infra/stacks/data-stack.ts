/**
 * The stateful part, a nested stack of the service stack: the one DynamoDB table (built from
 * shared/store/table.ts, nothing else) and the event bus that carries AccountStatusChanged events to other
 * teams. It takes no parameters from its parent, so a deployment that changes only what runs leaves its
 * template — and CloudFormation leaves it — untouched. The table keeps its data even when the stack is
 * deleted.
 */
import { Duration, NestedStack, RemovalPolicy, type NestedStackProps } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
  type Attribute,
} from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { TABLE, type KeyAttribute } from '../../shared/store/table';

const attribute = (key: KeyAttribute): Attribute => ({
  name: key.name,
  type: key.type === 'N' ? AttributeType.NUMBER : AttributeType.STRING,
});

/** How long the bus archive keeps events, so a consumer that lost some can have them replayed. */
const EVENT_ARCHIVE_RETENTION = Duration.days(30);

/**
 * The table and the event bus, in a nested stack of `scope`'s stack.
 *
 * @example
 * // in the service stack's constructor:
 * const data = new DataStack(this, 'Data');
 * allowTable(fn, data.table, { actions: [TableAction.GET] });
 */
class DataStack extends NestedStack {
  readonly table: Table;
  readonly eventBus: EventBus;

  constructor(scope: Construct, id: string, props?: NestedStackProps) {
    super(scope, id, props);

    this.table = new Table(this, 'Table', {
      partitionKey: attribute(TABLE.partitionKey),
      sortKey: attribute(TABLE.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE.ttlAttribute,
      stream: StreamViewType[TABLE.stream],
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // An AWS-managed key: key use shows in CloudTrail, and no key policy has to follow the functions
      // around (a customer key here would tie this stack's key policy to the parent's roles, and so make
      // every change of a function's permissions an update of the data stack).
      encryption: TableEncryption.AWS_MANAGED,
    });
    for (const index of TABLE.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: attribute(index.partitionKey),
        sortKey: attribute(index.sortKey),
        projectionType: ProjectionType[index.projection],
      });
    }

    this.eventBus = new EventBus(this, 'EventBus', {
      description: 'AccountStatusChanged events of mailbox-lifecycle, one per history entry',
    });
    this.eventBus.archive('EventArchive', {
      description: 'Every event of mailbox-lifecycle, for replay to a consumer that lost some',
      // Only this service puts events on its bus: everything on it is archived.
      eventPattern: { account: [this.account] },
      retention: EVENT_ARCHIVE_RETENTION,
    });
  }
}

export { DataStack };
