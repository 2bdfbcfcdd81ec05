package org.herald.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A WebSocket client that speaks frames byte by byte (RFC 6455), for tests of what a library client hides: the
 * handshake's headers, fragments, control frames, reserved bits, per-message deflate (RFC 7692), and malformed input.
 */
public final class RawWebSocket implements AutoCloseable {
    /** The example nonce of RFC 6455 §1.3; its accept value is {@code s3pPLMBiTxaQ9kYGzzhZRbK+xOo=}. */
    public static final String SAMPLE_KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    /** A frame as received; the payload of a compressed (RSV1) one is already inflated, {@code wireLength} is as sent. */
    public record Frame(boolean fin, boolean rsv1, int opcode, byte[] payload, int wireLength) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public int closeCode() {
            return payload.length < 2 ? -1 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final int status;
    private final Map<String, String> headers;
    private final String body;
    /** Kept across messages: the server may keep its compression context (no server_no_context_takeover). */
    private final Inflater inflater = new Inflater(true);

    private RawWebSocket(Socket socket, int status, Map<String, String> headers, String body) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /**
     * Sends an upgrade request for {@code pathAndQuery}; {@code headers} add to or replace the usual ones (a null value
     * leaves that header out) and {@code method} is normally GET. Reads the response head (and body, if it has one).
     */
    public static RawWebSocket open(int port, String method, String pathAndQuery, Map<String, String> headers) throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Host", "127.0.0.1:" + port);
        all.put("Upgrade", "websocket");
        all.put("Connection", "Upgrade");
        all.put("Sec-WebSocket-Key", SAMPLE_KEY);
        all.put("Sec-WebSocket-Version", "13");
        all.putAll(headers);
        StringBuilder request = new StringBuilder(method + " " + pathAndQuery + " HTTP/1.1\r\n");
        all.forEach((k, v) -> {
            if (v != null) request.append(k).append(": ").append(v).append("\r\n");
        });
        request.append("\r\n");
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
        var input = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = input.read();
            if (b < 0) throw new EOFException("closed during the handshake: " + head);
            head.append((char) b);
        }
        String[] lines = head.toString().split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> responseHeaders = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) responseHeaders.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        String body = "";
        String length = responseHeaders.get("content-length");
        if (status != 101 && length != null) {
            byte[] bytes = new byte[Integer.parseInt(length)];
            new DataInputStream(input).readFully(bytes);
            body = new String(bytes, StandardCharsets.UTF_8);
        }
        return new RawWebSocket(socket, status, responseHeaders, body);
    }

    public static RawWebSocket open(int port, String pathAndQuery) throws IOException {
        return open(port, "GET", pathAndQuery, Map.of());
    }

    public int status() {
        return status;
    }

    /** A response header, by its name in any case; null when absent. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String body() {
        return body;
    }

    public void sendText(String text) throws IOException {
        send(true, false, 0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    /** One frame, masked as a client must; {@code opcode} 0 is a continuation. */
    public void send(boolean fin, boolean rsv1, int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
        int n = payload.length;
        if (n < 126) {
            frame.write(0x80 | n);
        } else if (n < 65536) {
            frame.write(0x80 | 126);
            frame.write(n >>> 8);
            frame.write(n);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) frame.write((int) ((long) n >>> shift));
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < n; i++) frame.write(payload[i] ^ mask[i & 3]);
        out.write(frame.toByteArray());
        out.flush();
    }

    /** A text message compressed as per-message deflate (RSV1 set, the 00 00 ff ff tail left off, RFC 7692 §7.2.1). */
    public void sendCompressedText(String text) throws IOException {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(text.getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        int n;
        while ((n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH)) > 0) compressed.write(chunk, 0, n);
        deflater.end();
        byte[] bytes = compressed.toByteArray();
        byte[] payload = java.util.Arrays.copyOf(bytes, bytes.length - 4);
        send(true, true, 0x1, payload);
    }

    /**
     * The next frame from the server (waiting up to 10 s); EOFException when it closed the TCP connection. Read every
     * frame in order: a compressed one is inflated here, with the context of those before it.
     */
    public Frame read() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        if ((b1 & 0x80) != 0) throw new IOException("a server frame must not be masked");
        long n = b1 & 0x7f;
        if (n == 126) n = in.readUnsignedShort();
        else if (n == 127) n = in.readLong();
        byte[] payload = new byte[(int) n];
        in.readFully(payload);
        boolean rsv1 = (b0 & 0x40) != 0;
        try {
            return new Frame((b0 & 0x80) != 0, rsv1, b0 & 0x0f, rsv1 ? inflate(payload) : payload, payload.length);
        } catch (DataFormatException e) {
            throw new IOException("a compressed frame does not inflate", e);
        }
    }

    private byte[] inflate(byte[] payload) throws DataFormatException {
        byte[] input = java.util.Arrays.copyOf(payload, payload.length + 4);
        input[input.length - 3] = 0;
        input[input.length - 2] = (byte) 0xff;
        input[input.length - 1] = (byte) 0xff;
        inflater.setInput(input);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        int n;
        while ((n = inflater.inflate(chunk)) > 0) text.write(chunk, 0, n);
        return text.toByteArray();
    }

    /**
     * Whether the server closed the TCP connection within the socket's timeout: the read hits the end, or a reset
     * (a server that stops reading in the middle of a client's frame and closes sends RST).
     */
    public boolean serverClosedTcp() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) return true;
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return e.getMessage() != null && e.getMessage().contains("reset");
        }
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        socket.close();
    }
}
