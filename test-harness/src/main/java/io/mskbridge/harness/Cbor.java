package io.mskbridge.harness;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CBOR (RFC 8949) the AWS SDK's Smithy RPCv2 CBOR protocol sends and reads: decodes a whole item into
 * Java values (maps with String keys, lists, String, byte[], Long, Double, Boolean, null; a tagged item is its
 * content), definite and indefinite lengths; encodes maps of strings for answers. Test code only.
 */
final class Cbor {

    private static final Object BREAK = new Object();

    private final byte[] in;
    private int pos;

    private Cbor(byte[] in) {
        this.in = in;
    }

    /** The first item of {@code bytes}. */
    static Object decode(byte[] bytes) {
        if (bytes.length == 0) {
            return null;
        }
        return new Cbor(bytes).item();
    }

    private Object item() {
        int b = in[pos++] & 0xff;
        int major = b >>> 5;
        int info = b & 0x1f;
        if (b == 0xff) {
            return BREAK;
        }
        switch (major) {
            case 0:
                return argument(info);
            case 1:
                return -1 - argument(info);
            case 2:
            case 3: {
                byte[] data;
                if (info == 31) {
                    ByteArrayOutputStream chunks = new ByteArrayOutputStream();
                    for (Object c = item(); c != BREAK; c = item()) {
                        byte[] part = c instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) c;
                        chunks.write(part, 0, part.length);
                    }
                    data = chunks.toByteArray();
                } else {
                    int n = (int) argument(info);
                    data = Arrays.copyOfRange(in, pos, pos + n);
                    pos += n;
                }
                return major == 3 ? new String(data, StandardCharsets.UTF_8) : data;
            }
            case 4: {
                List<Object> list = new ArrayList<>();
                if (info == 31) {
                    for (Object o = item(); o != BREAK; o = item()) {
                        list.add(o);
                    }
                } else {
                    for (long n = argument(info); n > 0; n--) {
                        list.add(item());
                    }
                }
                return list;
            }
            case 5: {
                Map<String, Object> map = new LinkedHashMap<>();
                if (info == 31) {
                    for (Object k = item(); k != BREAK; k = item()) {
                        map.put(String.valueOf(k), item());
                    }
                } else {
                    for (long n = argument(info); n > 0; n--) {
                        map.put(String.valueOf(item()), item());
                    }
                }
                return map;
            }
            case 6:
                argument(info);
                return item();
            default:
                return simple(info);
        }
    }

    private Object simple(int info) {
        switch (info) {
            case 20:
                return false;
            case 21:
                return true;
            case 22:
            case 23:
                return null;
            case 25:
                return half((int) argument(25));
            case 26:
                return (double) Float.intBitsToFloat((int) argument(26));
            case 27:
                return Double.longBitsToDouble(argument(27));
            default:
                throw new IllegalArgumentException("Unsupported CBOR simple value " + info + " at " + pos);
        }
    }

    /** An IEEE 754 half-precision value (RFC 8949, Appendix D). */
    private static double half(int h) {
        int exp = (h >> 10) & 0x1f;
        int mant = h & 0x3ff;
        double v = exp == 0 ? mant * Math.pow(2, -24)
                : exp != 31 ? (mant + 1024) * Math.pow(2, exp - 25)
                : mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        return (h & 0x8000) != 0 ? -v : v;
    }

    private long argument(int info) {
        if (info < 24) {
            return info;
        }
        int n = switch (info) {
            case 24 -> 1;
            case 25 -> 2;
            case 26 -> 4;
            case 27 -> 8;
            default -> throw new IllegalArgumentException("Bad CBOR length " + info + " at " + pos);
        };
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | (in[pos++] & 0xff);
        }
        return v;
    }

    /** A CBOR map of text strings. */
    static byte[] encode(Map<String, String> map) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        head(out, 5, map.size());
        map.forEach((k, v) -> {
            text(out, k);
            text(out, v);
        });
        return out.toByteArray();
    }

    private static void text(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        head(out, 3, b.length);
        out.write(b, 0, b.length);
    }

    private static void head(ByteArrayOutputStream out, int major, long n) {
        if (n < 24) {
            out.write((major << 5) | (int) n);
        } else if (n < 256) {
            out.write((major << 5) | 24);
            out.write((int) n);
        } else {
            out.write((major << 5) | 25);
            out.write((int) (n >>> 8));
            out.write((int) n);
        }
    }
}
