/**
 * Where the data lives: the uploads bucket (rosters with ID and phone numbers: personal data), the bucket
 * its access logs go to, and the single DynamoDB table. Both keep personal data only as long as the
 * retention says, encrypted, private, TLS only, and survive a `cdk destroy` (RETAIN) so that a slip on
 * the command line never deletes a province's records.
 */
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { REPORT_LINK_TTL_SECONDS, REPORTS_PREFIX } from '../../shared/report/file-link.js';
// The table layout of the contract, as the store that reads it and the local stack that creates it define it.
import { TABLE_INDEXES, TABLE_KEYS } from '../../shared/store/table.js';

/** The S3 key layout of the contract: `incoming/<unit>/<uploadId>.<ext>`, `annotated/<unit>/<uploadId>.xlsx`. */
export const OBJECT_PREFIXES = { incoming: 'incoming/', annotated: 'annotated/' } as const;


export interface IntakeStorageProps {
  /** Days before uploaded files and annotated workbooks are deleted. */
  readonly retentionDays: number;
  /** Days access logs are kept. */
  readonly logRetentionDays: number;
  /** Lower-case stack name: part of the uploads bucket name. */
  readonly namePrefix: string;
}

export class IntakeStorage extends Construct {
  readonly accessLogsBucket: Bucket;
  readonly uploadsBucket: Bucket;
  /**
   * The regional host of the uploads bucket, built from its name rather than read from the bucket: the
   * page's Content-Security-Policy needs it, and the bucket's CORS needs the page's origin, which would
   * otherwise be a dependency cycle.
   */
  readonly uploadsBucketHost: string;
  readonly table: Table;

  constructor(scope: Construct, id: string, props: IntakeStorageProps) {
    super(scope, id);

    this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // S3 server access logging can only deliver to a bucket encrypted with SSE-S3.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(props.logRetentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket: logging it into itself would loop; S3 data events in CloudTrail can audit it if needed.',
    });

    const uploadsBucketName = `${props.namePrefix}-uploads-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
    this.uploadsBucketHost = `${uploadsBucketName}.s3.${Aws.REGION}.${Aws.URL_SUFFIX}`;
    this.uploadsBucket = new Bucket(this, 'Uploads', {
      bucketName: uploadsBucketName,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // SSE-S3: presigned POSTs and the functions need no KMS grants, and IAM already scopes each function
      // to one prefix; a customer key would add cost per request without narrowing who can read.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // No versioning on purpose: an old version would keep personal data past its retention.
      versioned: false,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'uploads/',
      lifecycleRules: [
        { id: 'expire-incoming', prefix: OBJECT_PREFIXES.incoming, expiration: Duration.days(props.retentionDays) },
        { id: 'expire-annotated', prefix: OBJECT_PREFIXES.annotated, expiration: Duration.days(props.retentionDays) },
        // A report's workbook stored for its mail link (counts only, no personal data) outlives that link by a day.
        { id: 'expire-reports', prefix: REPORTS_PREFIX, expiration: Duration.days(REPORT_LINK_TTL_SECONDS / 86_400 + 1) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      // AWS managed key: key use shows in CloudTrail, at no key cost.
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of TABLE_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
  }

  /**
   * Lets the page at `origins` POST files to the bucket and read the answer. POST only: the annotated
   * workbook is downloaded by navigating to its presigned GET, which needs no CORS.
   */
  allowPageOrigins(origins: readonly string[]): void {
    this.uploadsBucket.addCorsRule({
      allowedOrigins: [...origins],
      allowedMethods: [HttpMethods.POST],
      maxAge: 3000,
    });
  }
}
