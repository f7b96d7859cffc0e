package io.lessor.server.rpc;

import io.grpc.stub.StreamObserver;
import io.lessor.api.AuthGrpc;
import io.lessor.api.AuthStatusRequest;
import io.lessor.api.AuthStatusResponse;
import io.lessor.api.AuthenticateRequest;
import io.lessor.api.AuthenticateResponse;
import io.lessor.server.EtcdError;
import io.lessor.server.engine.Engine;

/**
 * etcd's Auth service as etcd serves it with authentication off, which is the only mode here:
 * AuthStatus says disabled and Authenticate fails with "authentication is not enabled". User
 * and role management return UNIMPLEMENTED.
 */
final class AuthService extends AuthGrpc.AuthImplBase {

    private final Engine engine;

    AuthService(Engine engine) {
        this.engine = engine;
    }

    @Override
    public void authStatus(AuthStatusRequest request, StreamObserver<AuthStatusResponse> observer) {
        observer.onNext(AuthStatusResponse.newBuilder().setHeader(engine.header()).setEnabled(false).build());
        observer.onCompleted();
    }

    @Override
    public void authenticate(AuthenticateRequest request, StreamObserver<AuthenticateResponse> observer) {
        observer.onError(EtcdError.AUTH_NOT_ENABLED.status().asRuntimeException());
    }
}
