package io.lessor.server.apply;

import io.lessor.api.AlarmRequest;
import io.lessor.api.AlarmResponse;
import io.lessor.api.AlarmType;
import io.lessor.api.CompactionRequest;
import io.lessor.api.CompactionResponse;
import io.lessor.api.DeleteRangeRequest;
import io.lessor.api.DeleteRangeResponse;
import io.lessor.api.LeaseGrantResponse;
import io.lessor.api.LeaseRevokeResponse;
import io.lessor.api.PutRequest;
import io.lessor.api.PutResponse;
import io.lessor.api.TxnRequest;
import io.lessor.api.TxnResponse;

/**
 * A mutation of the server's state, as the proposer orders it and the {@link Applier} applies
 * it. Applying the same commands in the same order to the same state gives the same state on
 * every member, except for lease expiry times, which each member's clock sets.
 *
 * <p>Requests in commands have passed the request checks (empty keys, txn op limits, duplicate
 * keys); the checks that depend on the state (lease exists, key exists) run when applied.
 *
 * @param <R> the response type
 */
public sealed interface Command<R> {

    /** A KV Put. */
    record Put(PutRequest request) implements Command<PutResponse> {
    }

    /** A KV DeleteRange. */
    record DeleteRange(DeleteRangeRequest request) implements Command<DeleteRangeResponse> {
    }

    /** A KV Txn. */
    record Txn(TxnRequest request) implements Command<TxnResponse> {
    }

    /** A KV Compact. */
    record Compact(CompactionRequest request) implements Command<CompactionResponse> {
    }

    /**
     * A LeaseGrant with the id already chosen: a client's explicit id, or one the proposing
     * member generated.
     */
    record LeaseGrant(long id, long ttlSeconds) implements Command<LeaseGrantResponse> {
    }

    /** A LeaseRevoke, from a client or from the expiry loop. */
    record LeaseRevoke(long id) implements Command<LeaseRevokeResponse> {
    }

    /**
     * A Maintenance.Alarm with action ACTIVATE or DEACTIVATE and an alarm type the API defines.
     * A GET reads the durable alarms without a command.
     */
    record Alarm(AlarmRequest request) implements Command<AlarmResponse> {

        /**
         * @throws IllegalArgumentException if the action is not ACTIVATE or DEACTIVATE, the
         *     alarm type is one the API does not define, or an ACTIVATE names type NONE
         */
        public Alarm {
            AlarmRequest.AlarmAction action = request.getAction();
            if (action != AlarmRequest.AlarmAction.ACTIVATE && action != AlarmRequest.AlarmAction.DEACTIVATE) {
                throw new IllegalArgumentException("alarm action " + request.getActionValue() + " is not ACTIVATE or DEACTIVATE");
            }
            if (request.getAlarm() == AlarmType.UNRECOGNIZED) {
                throw new IllegalArgumentException("alarm type " + request.getAlarmValue() + " is not NONE, NOSPACE or CORRUPT");
            }
            if (action == AlarmRequest.AlarmAction.ACTIVATE && request.getAlarm() == AlarmType.NONE) {
                throw new IllegalArgumentException("alarm type NONE cannot be activated");
            }
        }
    }
}
