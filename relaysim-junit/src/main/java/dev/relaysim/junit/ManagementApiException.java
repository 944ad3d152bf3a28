package dev.relaysim.junit;

/** The management API refused a request ({@code code: message} of its ARM error) or could not be reached. */
public final class ManagementApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ManagementApiException(String message, Throwable cause) {
        super(message, cause);
    }
}
