package io.mskbridge.s3;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * {@code s3.object.tagging}: {@code key1=value1&key2=value2}, written unencoded and checked against S3's tag
 * rules (at most 10 tags, keys of 1-128 and values of 0-256 Unicode characters, letters, digits, spaces and
 * {@code + - = . _ : / @}, keys unique, no {@code aws:} prefix), then URL-encoded into the {@code x-amz-tagging}
 * header of PutObject and CreateMultipartUpload.
 */
final class ObjectTags {

    static final int MAX_TAGS = 10;
    static final int MAX_KEY_CHARS = 128;
    static final int MAX_VALUE_CHARS = 256;
    /** S3's tag character set; '=' may appear in values only, since the first '=' of a pair ends its key. */
    private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

    private ObjectTags() {
    }

    /** The tags in order of appearance; empty for null or blank text. */
    static Map<String, String> parse(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return tags;
        }
        for (String pair : text.split("&", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + pair + "' is not key=value (pairs are separated by &"
                        + (pair.isEmpty() ? ", and none may be empty" : "") + ")");
            }
            String key = pair.substring(0, eq);
            String value = pair.substring(eq + 1);
            check("key", key, MAX_KEY_CHARS);
            check("value of tag '" + key + "'", value, MAX_VALUE_CHARS);
            if (key.regionMatches(true, 0, "aws:", 0, 4)) {
                throw new IllegalArgumentException("tag key '" + key + "' uses the reserved prefix aws:");
            }
            if (tags.put(key, value) != null) {
                throw new IllegalArgumentException("tag key '" + key + "' appears twice");
            }
        }
        if (tags.size() > MAX_TAGS) {
            throw new IllegalArgumentException(tags.size() + " tags; S3 allows at most " + MAX_TAGS + " per object");
        }
        return tags;
    }

    private static void check(String what, String s, int maxChars) {
        int chars = s.codePointCount(0, s.length());
        if (chars > maxChars) {
            throw new IllegalArgumentException("tag " + what + " has " + chars + " characters; S3 allows " + maxChars);
        }
        if (!ALLOWED.matcher(s).matches()) {
            String hint = s.indexOf('%') >= 0 ? " (write tags unencoded: the connector URL-encodes them)" : "";
            throw new IllegalArgumentException("tag " + what + " '" + s + "' has a character S3 does not allow in "
                    + "tags: only letters, digits, spaces and + - = . _ : / @" + hint);
        }
    }

    /** The x-amz-tagging header value (URL query form, UTF-8, spaces as %20), or null for no tags. */
    static String header(Map<String, String> tags) {
        if (tags.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        tags.forEach((k, v) -> {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(SdkHttpUtils.urlEncode(k)).append('=').append(SdkHttpUtils.urlEncode(v));
        });
        return sb.toString();
    }

    static final ConfigDef.Validator VALIDATOR = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                parse((String) value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "key1=value1&key2=value2 (unencoded; at most 10 tags), or empty";
        }
    };
}
