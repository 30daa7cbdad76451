package io.mskbridge.distribution;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser for the subset of HCL (Terraform's configuration syntax) deploy/terraform uses: blocks with
 * string labels, attributes whose expressions are kept as token lists (strings with their {@code ${...}}
 * interpolations tokenized too), and comments. It rejects what it does not know (heredocs, stray characters,
 * unbalanced brackets, unterminated strings, duplicate attributes) with the file and line, instead of skipping it.
 */
final class Hcl {

    enum Kind { IDENT, STRING, NUMBER, PUNCT, NEWLINE, EOF }

    /** A token; a STRING's {@code parts} are the tokens of its interpolations. */
    record Token(Kind kind, String text, int line, List<Token> parts) {
        boolean is(String s) {
            return kind != Kind.STRING && text.equals(s);
        }
    }

    record Attribute(String name, List<Token> expr, int line) {
    }

    record Block(String type, List<String> labels, Map<String, Attribute> attributes, List<Block> blocks, int line) {
        List<Block> blocks(String t) {
            return blocks.stream().filter(b -> b.type.equals(t)).toList();
        }
    }

    private static final String[] MULTI = {"==", "!=", "<=", ">=", "&&", "||", "=>", "..."};
    private static final String SINGLE = "{}[]()=,.:?!+-*/%<>";

    private final String file;
    private final List<Token> tokens;
    private int pos;

    private Hcl(String file, List<Token> tokens) {
        this.file = file;
        this.tokens = tokens;
    }

    static Block parse(String file, String text) {
        List<Token> tokens = new Lexer(file, text, 1).lex(false);
        tokens.add(new Token(Kind.EOF, "", -1, List.of()));
        Hcl p = new Hcl(file, tokens);
        return p.body("", List.of(), 0, false);
    }

    /** Every token of an expression, including those inside string interpolations, in order. */
    static List<Token> flatten(List<Token> expr) {
        List<Token> out = new ArrayList<>();
        for (Token t : expr) {
            out.add(t);
            if (t.kind == Kind.STRING) {
                out.addAll(flatten(t.parts));
            }
        }
        return out;
    }

    private IllegalArgumentException error(Token at, String what) {
        return new IllegalArgumentException(file + ":" + at.line + ": " + what + " (at '" + at.text + "')");
    }

    private Block body(String type, List<String> labels, int line, boolean nested) {
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        List<Block> blocks = new ArrayList<>();
        while (true) {
            while (tokens.get(pos).kind == Kind.NEWLINE) {
                pos++;
            }
            Token t = tokens.get(pos);
            if (t.kind == Kind.EOF) {
                if (nested) {
                    throw error(t, "block " + type + " not closed");
                }
                return new Block(type, labels, attrs, blocks, line);
            }
            if (t.is("}")) {
                if (!nested) {
                    throw error(t, "'}' without a block");
                }
                pos++;
                return new Block(type, labels, attrs, blocks, line);
            }
            if (t.kind != Kind.IDENT) {
                throw error(t, "expected an attribute or block name");
            }
            pos++;
            Token next = tokens.get(pos);
            if (next.is("=")) {
                pos++;
                List<Token> expr = expression();
                if (attrs.put(t.text, new Attribute(t.text, expr, t.line)) != null) {
                    throw error(t, "duplicate attribute " + t.text);
                }
            } else {
                List<String> blockLabels = new ArrayList<>();
                while (tokens.get(pos).kind == Kind.STRING || tokens.get(pos).kind == Kind.IDENT) {
                    Token label = tokens.get(pos++);
                    if (label.kind == Kind.STRING && !label.parts.isEmpty()) {
                        throw error(label, "a block label cannot interpolate");
                    }
                    blockLabels.add(label.text);
                }
                if (!tokens.get(pos).is("{")) {
                    throw error(tokens.get(pos), "expected '=' or '{' after " + t.text);
                }
                pos++;
                blocks.add(body(t.text, blockLabels, t.line, true));
                Token after = tokens.get(pos);
                if (after.kind != Kind.NEWLINE && after.kind != Kind.EOF && !after.is("}")) {
                    throw error(after, "expected a new line after block " + t.text);
                }
            }
        }
    }

    /** Tokens up to the end of the line (or the closing brace of a one-line block) at bracket depth 0. */
    private List<Token> expression() {
        List<Token> out = new ArrayList<>();
        List<String> open = new ArrayList<>();
        while (true) {
            Token t = tokens.get(pos);
            if (t.kind == Kind.EOF) {
                if (!open.isEmpty()) {
                    throw error(t, "unclosed '" + open.get(open.size() - 1) + "'");
                }
                break;
            }
            if (open.isEmpty() && (t.kind == Kind.NEWLINE || t.is("}"))) {
                break;
            }
            if (t.is("(") || t.is("[") || t.is("{")) {
                open.add(t.text);
            } else if (t.is(")") || t.is("]") || t.is("}")) {
                String want = t.is(")") ? "(" : t.is("]") ? "[" : "{";
                if (open.isEmpty() || !open.remove(open.size() - 1).equals(want)) {
                    throw error(t, "unbalanced '" + t.text + "'");
                }
            }
            if (t.kind != Kind.NEWLINE) {
                out.add(t);
            }
            pos++;
        }
        if (out.isEmpty()) {
            throw error(tokens.get(pos), "missing expression");
        }
        return out;
    }

    private static final class Lexer {
        private final String file;
        private final String s;
        private int i;
        private int line;

        Lexer(String file, String s, int line) {
            this.file = file;
            this.s = s;
            this.line = line;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(file + ":" + line + ": " + what);
        }

        List<Token> lex(boolean interpolation) {
            List<Token> out = new ArrayList<>();
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\n') {
                    if (!interpolation) {
                        out.add(new Token(Kind.NEWLINE, "\\n", line, List.of()));
                    }
                    line++;
                    i++;
                } else if (c == ' ' || c == '\t' || c == '\r') {
                    i++;
                } else if (c == '#' || s.startsWith("//", i)) {
                    while (i < s.length() && s.charAt(i) != '\n') {
                        i++;
                    }
                } else if (s.startsWith("/*", i)) {
                    int end = s.indexOf("*/", i + 2);
                    if (end < 0) {
                        throw error("unterminated comment");
                    }
                    line += (int) s.substring(i, end).chars().filter(ch -> ch == '\n').count();
                    i = end + 2;
                } else if (c == '"') {
                    out.add(string());
                } else if (Character.isLetter(c) || c == '_') {
                    int start = i;
                    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '-')) {
                        i++;
                    }
                    out.add(new Token(Kind.IDENT, s.substring(start, i), line, List.of()));
                } else if (Character.isDigit(c)) {
                    int start = i;
                    while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                        i++;
                    }
                    out.add(new Token(Kind.NUMBER, s.substring(start, i), line, List.of()));
                } else if (s.startsWith("<<", i)) {
                    throw error("heredocs are not in the subset this parser checks");
                } else {
                    String p = null;
                    for (String m : MULTI) {
                        if (s.startsWith(m, i)) {
                            p = m;
                            break;
                        }
                    }
                    if (p == null && SINGLE.indexOf(c) >= 0) {
                        p = String.valueOf(c);
                    }
                    if (p == null) {
                        throw error("unexpected character '" + c + "'");
                    }
                    out.add(new Token(Kind.PUNCT, p, line, List.of()));
                    i += p.length();
                }
            }
            return out;
        }

        /** A quoted string; its text is the raw template, its parts the tokens of every ${...}/%{...}. */
        private Token string() {
            int startLine = line;
            i++;
            StringBuilder text = new StringBuilder();
            List<Token> parts = new ArrayList<>();
            while (true) {
                if (i >= s.length() || s.charAt(i) == '\n') {
                    throw error("unterminated string");
                }
                char c = s.charAt(i);
                if (c == '"') {
                    i++;
                    return new Token(Kind.STRING, text.toString(), startLine, parts);
                }
                if (c == '\\') {
                    text.append(c).append(s.charAt(i + 1));
                    i += 2;
                } else if ((c == '$' || c == '%') && i + 1 < s.length() && s.charAt(i + 1) == '{') {
                    int end = interpolationEnd(i + 2);
                    Lexer inner = new Lexer(file, s.substring(i + 2, end), line);
                    parts.addAll(inner.lex(true));
                    text.append(s, i, end + 1);
                    i = end + 1;
                } else {
                    text.append(c);
                    i++;
                }
            }
        }

        /** Index of the '}' closing an interpolation whose content starts at {@code from}. */
        private int interpolationEnd(int from) {
            int depth = 0;
            boolean inString = false;
            for (int j = from; j < s.length(); j++) {
                char c = s.charAt(j);
                if (c == '\n') {
                    throw error("unterminated interpolation");
                }
                if (inString) {
                    if (c == '\\') {
                        j++;
                    } else if (c == '"') {
                        inString = false;
                    }
                } else if (c == '"') {
                    inString = true;
                } else if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    if (depth == 0) {
                        return j;
                    }
                    depth--;
                }
            }
            throw error("unterminated interpolation");
        }
    }
}
