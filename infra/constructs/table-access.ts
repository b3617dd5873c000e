/**
 * Least-privilege DynamoDB permissions: exactly the actions a function uses, on the table and on the indexes
 * it queries by name — never `index/*`, never the CDK's broad grantReadWriteData.
 */
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Index } from '../../shared/store/table';
import type { LambdaFunction } from './lambda-function';

/**
 * The item actions. A transaction needs no action of its own: TransactWriteItems is authorised by the
 * actions of its parts (the store's transactions are Puts, an Update adding to a domain's counter item, and,
 * when an account is purged or renamed, Deletes of its search tokens); TransactGetItems by GetItem.
 */
const TableAction = {
  GET: 'dynamodb:GetItem',
  BATCH_GET: 'dynamodb:BatchGetItem',
  QUERY: 'dynamodb:Query',
  PUT: 'dynamodb:PutItem',
  UPDATE: 'dynamodb:UpdateItem',
  DELETE: 'dynamodb:DeleteItem',
} as const;
type TableAction = (typeof TableAction)[keyof typeof TableAction];

interface TableAccess {
  /** Actions on the table itself. */
  readonly actions: readonly TableAction[];
  /** Indexes the function queries (Query only). */
  readonly indexes?: readonly Index[];
}

/**
 * Allows `fn` exactly `access` on `table`.
 *
 * @example
 * allowTable(accessFn, table, { actions: [TableAction.GET] });
 * allowTable(sweepFn, table, { actions: [TableAction.GET, TableAction.PUT], indexes: [Index.DUE] });
 */
function allowTable(fn: LambdaFunction, table: ITable, access: TableAccess): void {
  if (access.actions.length > 0) {
    fn.allow(new PolicyStatement({ effect: Effect.ALLOW, actions: [...access.actions], resources: [table.tableArn] }));
  }
  const indexes = access.indexes ?? [];
  if (indexes.length > 0) {
    fn.allow(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [TableAction.QUERY],
        resources: indexes.map((index) => `${table.tableArn}/index/${index}`),
      }),
    );
  }
}

export { allowTable, TableAction };
export type { TableAccess };
