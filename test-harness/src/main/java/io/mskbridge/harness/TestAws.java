package io.mskbridge.harness;

import java.net.URI;
import java.time.Duration;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * SDK clients for the local servers, with the dummy credentials and region they all accept (DynamoDB Local 2.x
 * rejects access keys with anything but letters and digits).
 */
public final class TestAws {

    public static final String ACCESS_KEY = "mskbridgetest";
    public static final String SECRET_KEY = "mskbridgetestsecret";
    public static final Region REGION = Region.US_EAST_1;

    private TestAws() {
    }

    public static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    private static ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofSeconds(60)).build();
    }

    public static KinesisClient kinesis(URI endpoint) {
        return KinesisClient.builder().endpointOverride(endpoint).region(REGION).credentialsProvider(credentials())
                .httpClientBuilder(ApacheHttpClient.builder()).overrideConfiguration(overrides()).build();
    }

    public static DynamoDbClient dynamoDb(URI endpoint) {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(REGION).credentialsProvider(credentials())
                .httpClientBuilder(ApacheHttpClient.builder()).overrideConfiguration(overrides()).build();
    }

    public static S3Client s3(URI endpoint) {
        return S3Client.builder().endpointOverride(endpoint).region(REGION).credentialsProvider(credentials())
                .forcePathStyle(true).httpClientBuilder(ApacheHttpClient.builder()).overrideConfiguration(overrides()).build();
    }
}
