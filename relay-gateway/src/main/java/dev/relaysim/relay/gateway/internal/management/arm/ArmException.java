package dev.relaysim.relay.gateway.internal.management.arm;

import dev.relaysim.relay.gateway.internal.management.ManagementResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import static java.util.Objects.requireNonNull;

/**
 * A refused management request, answered as ARM answers it: {@code {"error":{"code","message"}}} with the status.
 * Thrown by the resource handlers (also from inside a {@code NetworkState.update}, which then leaves the state as it
 * was) and turned into the response by {@link ArmApi}.
 */
final class ArmException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient HttpResponseStatus status;
    private final String code;

    ArmException(HttpResponseStatus status, String code, String message) {
        super(requireNonNull(message, "message"), null, false, false);
        this.status = requireNonNull(status, "status");
        this.code = requireNonNull(code, "code");
    }

    /** 404 {@code ResourceNotFound}, as ARM words it. */
    static ArmException notFound(String type, String name) {
        return new ArmException(HttpResponseStatus.NOT_FOUND, "ResourceNotFound", "The Resource '" + type + '/'
                + name + "' under resource group was not found.");
    }

    /** 400 {@code InvalidRequestContent}: the body is not JSON or a value does not have its type or enum. */
    static ArmException invalidContent(String message) {
        return new ArmException(HttpResponseStatus.BAD_REQUEST, "InvalidRequestContent", message);
    }

    /** 400 {@code BadRequest}: a value that is well-formed but not acceptable. */
    static ArmException badRequest(String message) {
        return new ArmException(HttpResponseStatus.BAD_REQUEST, "BadRequest", message);
    }

    /** 400 {@code InvalidResourceReference}: a referenced resource is missing or in another region. */
    static ArmException invalidReference(String referenced, String by) {
        return new ArmException(HttpResponseStatus.BAD_REQUEST, "InvalidResourceReference", "Resource " + referenced
                + " referenced by resource " + by + " was not found. Please make sure that the referenced resource "
                + "exists, and that both resources are in the same region.");
    }

    /** 400 {@code LinkedInvalidPropertyId}: a property that must hold a resource id of some type does not. */
    static ArmException invalidId(String path, String value, String expected) {
        return new ArmException(HttpResponseStatus.BAD_REQUEST, "LinkedInvalidPropertyId", "Property id '" + value
                + "' at path '" + path + "' is invalid. Expect fully qualified resource Id that start with "
                + "'/subscriptions/{subscriptionId}' and name " + expected + '.');
    }

    ManagementResponse toResponse() {
        return ManagementResponse.error(status, code, getMessage());
    }

    HttpResponseStatus status() {
        return status;
    }

    String code() {
        return code;
    }
}
