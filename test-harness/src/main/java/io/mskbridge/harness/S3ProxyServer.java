package io.mskbridge.harness;

import java.net.URI;
import java.time.Duration;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3Proxy in process on an in-memory (transient) blob store, speaking the S3 REST API with AWS SigV4
 * authentication against {@link TestAws}'s keys. Clients must use path-style addressing.
 */
public class S3ProxyServer extends ManagedServer {

    private S3Proxy proxy;
    private S3Client client;
    private int port;

    @Override
    protected void doStart() throws Exception {
        port = Ports.free();
        proxy = S3Proxy.builder()
                .blobStore(new TransientNio2BlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, TestAws.ACCESS_KEY, TestAws.SECRET_KEY)
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        client = TestAws.s3(endpoint());
        Waits.until("S3Proxy at " + endpoint(), Duration.ofSeconds(30), () -> {
            client.listBuckets();
            return true;
        });
    }

    @Override
    protected void doStop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (proxy != null) {
            proxy.stop();
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** A client of this server (owned by the server; do not close). */
    public S3Client client() {
        requireStarted();
        return client;
    }
}
