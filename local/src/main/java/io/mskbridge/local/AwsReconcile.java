package io.mskbridge.local;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * bin/mskbridge-reconcile: the local pipeline's reconciliation pointed at real AWS for the cutover from the seed
 * Lambda. It compares the event ids one store holds (the Lambda's table or archive) with another (MSK Bridge's),
 * within a time window on the events' own time field, and prints what is missing, duplicated or unexpected. It only
 * reads: DynamoDB Scan, S3 ListObjectsV2 and GetObject, with the SDK's default credentials chain.
 */
public final class AwsReconcile {

    static final String USAGE = """
            usage: bin/mskbridge-reconcile --expect PLACE --actual PLACE [--expect PLACE --actual PLACE ...]
                   [--from ISO-8601] [--to ISO-8601] [--id-field id] [--time-field timestamp]
                   [--region REGION] [--endpoint-url URL]
              PLACE is dynamodb:<table> or s3://<bucket>/<prefix>; each --expect is compared with the --actual after it.
              Only records whose time field is in [--from, --to) count. Exit code 0 when every pair balances.""";

    /** One store: a DynamoDB table or an S3 bucket and prefix. */
    record Place(String table, String bucket, String prefix) {
        static Place parse(String s) {
            if (s.startsWith("dynamodb:") && s.length() > "dynamodb:".length()) {
                return new Place(s.substring("dynamodb:".length()), null, null);
            }
            if (s.startsWith("s3://") && s.length() > "s3://".length()) {
                String rest = s.substring("s3://".length());
                int slash = rest.indexOf('/');
                return new Place(null, slash < 0 ? rest : rest.substring(0, slash), slash < 0 ? "" : rest.substring(slash + 1));
            }
            throw new IllegalArgumentException("not a place (dynamodb:<table> or s3://<bucket>/<prefix>): " + s);
        }

        @Override
        public String toString() {
            return table != null ? "dynamodb:" + table : "s3://" + bucket + "/" + prefix;
        }
    }

    record Options(List<Place[]> pairs, StoreIds.Window window, String idField, String timeField, String region, URI endpoint) {
        static Options parse(String[] args) {
            List<Place[]> pairs = new ArrayList<>();
            Place expect = null;
            Instant from = null;
            Instant to = null;
            String idField = "id";
            String timeField = "timestamp";
            String region = null;
            URI endpoint = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help") || a.equals("-h")) {
                    throw new IllegalArgumentException("");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--expect" -> {
                        if (expect != null) {
                            throw new IllegalArgumentException("--expect " + expect + " has no --actual");
                        }
                        expect = Place.parse(v);
                    }
                    case "--actual" -> {
                        if (expect == null) {
                            throw new IllegalArgumentException("--actual " + v + " without an --expect before it");
                        }
                        pairs.add(new Place[] {expect, Place.parse(v)});
                        expect = null;
                    }
                    case "--from" -> from = instant(a, v);
                    case "--to" -> to = instant(a, v);
                    case "--id-field" -> idField = v;
                    case "--time-field" -> timeField = v;
                    case "--region" -> region = v;
                    case "--endpoint-url" -> endpoint = URI.create(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (expect != null) {
                throw new IllegalArgumentException("--expect " + expect + " has no --actual");
            }
            if (pairs.isEmpty()) {
                throw new IllegalArgumentException("nothing to compare: give --expect and --actual");
            }
            if (from != null && to != null && !from.isBefore(to)) {
                throw new IllegalArgumentException("--from " + from + " is not before --to " + to);
            }
            return new Options(pairs, new StoreIds.Window(from, to), idField, timeField, region, endpoint);
        }

        private static Instant instant(String option, String v) {
            Instant t = StoreIds.time(v);
            if (t == null) {
                throw new IllegalArgumentException(option + ": not an ISO-8601 instant: " + v);
            }
            return t;
        }
    }

    private AwsReconcile() {
    }

    public static void main(String[] args) throws IOException {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("mskbridge-reconcile: " + e.getMessage());
            }
            System.err.println(USAGE);
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        DynamoDbClientBuilder dynamo = DynamoDbClient.builder();
        S3ClientBuilder s3 = S3Client.builder();
        for (var b : List.of(dynamo, s3)) {
            b.credentialsProvider(DefaultCredentialsProvider.create()).httpClientBuilder(ApacheHttpClient.builder());
            if (o.region() != null) {
                b.region(Region.of(o.region()));
            }
            if (o.endpoint() != null) {
                b.endpointOverride(o.endpoint());
            }
        }
        s3.forcePathStyle(o.endpoint() != null);
        try (DynamoDbClient d = dynamo.build(); S3Client s = s3.build()) {
            System.exit(run(o, d, s, System.out) ? 0 : 1);
        }
    }

    /** Compares every pair and prints the result; true when every pair balances. */
    static boolean run(Options o, DynamoDbClient dynamo, S3Client s3, PrintStream out) throws IOException {
        out.printf("mskbridge-reconcile: ids in field '%s'; window on field '%s': [%s, %s)%n", o.idField(), o.timeField(),
                o.window().from() == null ? "-" : o.window().from(), o.window().to() == null ? "-" : o.window().to());
        boolean balanced = true;
        for (Place[] pair : o.pairs()) {
            StoreIds.Counts want = read(pair[0], o, dynamo, s3);
            StoreIds.Counts got = read(pair[1], o, dynamo, s3);
            out.printf("  expect %-40s %s%n", pair[0], want);
            out.printf("  actual %-40s %s%n", pair[1], got);
            List<String> problems = new ArrayList<>();
            Reconciler.compare(problems, pair[1].toString(), want.ids.keySet(), got.ids, true);
            problems.forEach(p -> out.println("    " + p));
            out.println("    " + (problems.isEmpty() ? "BALANCED" : "NOT BALANCED"));
            balanced &= problems.isEmpty();
        }
        return balanced;
    }

    private static StoreIds.Counts read(Place p, Options o, DynamoDbClient dynamo, S3Client s3) throws IOException {
        return p.table() != null ? StoreIds.dynamoDb(dynamo, p.table(), o.idField(), o.timeField(), o.window())
                : StoreIds.s3(s3, p.bucket(), p.prefix(), o.idField(), o.timeField(), o.window());
    }
}
