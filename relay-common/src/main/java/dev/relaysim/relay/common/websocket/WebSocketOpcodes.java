package dev.relaysim.relay.common.websocket;

/** The frame opcodes of RFC 6455 (5.2); 0x8 and above are control frames. */
public final class WebSocketOpcodes {

    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    private WebSocketOpcodes() {
    }

    /** Whether {@code opcode} is that of a control frame (close, ping, pong or a reserved one). */
    public static boolean isControl(int opcode) {
        return opcode >= CLOSE;
    }
}
