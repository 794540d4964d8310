package dev.mdlbridge.vectors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One shared test vector (driver/test/vectors/README.md): the bytes, and the fields they are made of.
 */
public record Vector(Path file, String name, String code, String kind, String expect, List<Field> fields, byte[] bytes,
                     Map<String, String> keys) {

    public static final Path DIRECTORY = Path.of("../../driver/test/vectors");

    public record Field(int offset, String type, String name, long value) {
        public int width() {
            return switch (type) {
                case "u8" -> 1;
                case "u16" -> 2;
                case "u32" -> 4;
                case "u64" -> 8;
                default -> throw new IllegalArgumentException("unknown field type " + type);
            };
        }
    }

    /** A key of the file as written ({@code name}, {@code code}, {@code kind}, {@code expect}, {@code param} ...), or
     *  null when the file does not have it. */
    public String key(String k) {
        return keys.get(k);
    }

    public boolean isRequest() {
        return kind.equals("request");
    }

    /** A field by its name as the header spells it, ignoring a leading struct prefix ("Header.", "Reply."). */
    public Optional<Long> field(String name) {
        for (Field f : fields) {
            if (f.name().equals(name) || f.name().endsWith("." + name) && !f.name().contains("[")) {
                return Optional.of(f.value());
            }
        }
        return Optional.empty();
    }

    public long require(String name) {
        return field(name).orElseThrow(() -> new AssertionError(file + ": no field " + name));
    }

    /** The bytes the field list describes (little-endian), for checking {@code hex:} against it. */
    public byte[] bytesFromFields() {
        int size = fields.stream().mapToInt(f -> f.offset() + f.width()).max().orElse(0);
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (Field f : fields) {
            switch (f.width()) {
                case 1 -> b.put(f.offset(), (byte) f.value());
                case 2 -> b.putShort(f.offset(), (short) f.value());
                case 4 -> b.putInt(f.offset(), (int) f.value());
                default -> b.putLong(f.offset(), f.value());
            }
        }
        return b.array();
    }

    public static List<Vector> loadAll() {
        if (!Files.isDirectory(DIRECTORY)) {
            throw new AssertionError("no vector directory at " + DIRECTORY.toAbsolutePath());
        }
        try (Stream<Path> files = Files.list(DIRECTORY)) {
            return files.filter(p -> p.toString().endsWith(".vec")).sorted().map(Vector::load).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Vector load(Path file) {
        Map<String, String> keys = new LinkedHashMap<>();
        List<Field> fields = new ArrayList<>();
        StringBuilder hex = new StringBuilder();
        try {
            for (String raw : Files.readAllLines(file)) {
                String line = raw.strip();
                int hash = line.indexOf('#');
                if (hash >= 0) {
                    line = line.substring(0, hash).strip();
                }
                if (line.isEmpty()) {
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon < 0) {
                    throw new AssertionError(file + ": line without a key: " + raw);
                }
                String key = line.substring(0, colon).strip();
                String value = line.substring(colon + 1).strip();
                switch (key) {
                    case "field" -> {
                        String[] p = value.split("\\s+");
                        if (p.length != 4) {
                            throw new AssertionError(file + ": a field line needs offset, type, name, value: " + raw);
                        }
                        fields.add(new Field(Integer.decode(p[0]), p[1], p[2], parse(p[3])));
                    }
                    case "hex" -> hex.append(value.replaceAll("\\s+", ""));
                    default -> keys.put(key, value);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Vector(file, keys.getOrDefault("name", file.getFileName().toString()), keys.getOrDefault("code", ""),
                keys.getOrDefault("kind", ""), keys.getOrDefault("expect", "ok"), List.copyOf(fields),
                HexFormat.of().parseHex(hex.toString()), Map.copyOf(keys));
    }

    private static long parse(String v) {
        String t = v.toLowerCase(java.util.Locale.ROOT);
        if (t.startsWith("-")) {
            return Long.parseLong(t);
        }
        return t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseUnsignedLong(t);
    }
}
