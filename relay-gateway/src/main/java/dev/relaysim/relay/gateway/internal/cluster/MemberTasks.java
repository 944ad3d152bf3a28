package dev.relaysim.relay.gateway.internal.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static java.util.Objects.requireNonNull;

/** Running a node's task (an {@code accept}, a {@code request}, a response) on one other member of the cluster. */
final class MemberTasks {

    private MemberTasks() {
    }

    /** The member {@code memberId} while it is in the cluster. */
    static Optional<Member> member(HazelcastInstance hazelcast, String memberId) {
        UUID uuid = UUID.fromString(requireNonNull(memberId, "memberId"));
        return hazelcast.getCluster().getMembers().stream().filter(candidate -> candidate.getUuid().equals(uuid))
                .findFirst();
    }

    /**
     * Runs {@code task} on member {@code memberId}; completes when it returned, exceptionally when it threw, the
     * member left the cluster, or could not be reached.
     */
    static CompletionStage<Void> submit(HazelcastInstance hazelcast, IExecutorService executor,
                                        Callable<Boolean> task, String memberId) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Optional<Member> member = member(hazelcast, memberId);
        if (member.isEmpty()) {
            done.completeExceptionally(new IllegalStateException("member " + memberId + " left the cluster"));
            return done;
        }
        executor.submitToMember(task, member.get(), new ExecutionCallback<Boolean>() {
            @Override
            public void onResponse(Boolean response) {
                done.complete(null);
            }

            @Override
            public void onFailure(Throwable failure) {
                done.completeExceptionally(failure);
            }
        });
        return done;
    }
}
