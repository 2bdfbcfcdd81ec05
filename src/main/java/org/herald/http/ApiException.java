package org.herald.http;

/** An HTTP error answer: status, stable code, human message and the field at fault (if one). */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;

    public ApiException(int status, String code, String message, String field) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public ApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " not found");
    }

    public static ApiException badRequest(String code, String field, String message) {
        return new ApiException(400, code, message, field);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
