package io.mskbridge.local;

import java.io.IOException;
import java.io.PrintStream;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/** Lets the integration tests (another package) run the tool with their own clients. */
public final class AwsReconcileAccess {

    private AwsReconcileAccess() {
    }

    public static boolean run(String[] args, DynamoDbClient dynamo, S3Client s3, PrintStream out) throws IOException {
        return AwsReconcile.run(AwsReconcile.Options.parse(args), dynamo, s3, out);
    }
}
