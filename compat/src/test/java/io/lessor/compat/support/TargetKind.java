package io.lessor.compat.support;

/** The servers that compatibility scenarios run against. */
public enum TargetKind {
    /** The reference: a real etcd 3.4 process. */
    ETCD,
    /** The server under test, started in this JVM. */
    LESSOR
}
