package dev.mdlbridge.simulator.driver;

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
import java.util.stream.Stream;

/** One shared vector file (driver/test/vectors/README.md), read without any of the simulator's own code. */
record VecFile(Path file, Map<String, String> keys, List<Field> fields, byte[] bytes) {

    static final Path DIRECTORY = Path.of("../../driver/test/vectors");

    record Field(int offset, String type, String name, long value) {
        int width() {
            return switch (type) {
                case "u8" -> 1;
                case "u16" -> 2;
                case "u32" -> 4;
                case "u64" -> 8;
                default -> throw new AssertionError("unknown field type " + type);
            };
        }
    }

    String name() {
        return keys.getOrDefault("name", file.getFileName().toString());
    }

    String key(String k) {
        return keys.get(k);
    }

    Long field(String name) {
        for (Field f : fields) {
            if (f.name().equals(name)) {
                return f.value();
            }
        }
        return null;
    }

    long require(String name) {
        Long v = field(name);
        if (v == null) {
            throw new AssertionError(file + ": no field " + name);
        }
        return v;
    }

    /** The bytes the field list describes; null when a byte is covered twice or not at all. */
    byte[] bytesFromFields() {
        int size = fields.stream().mapToInt(f -> f.offset() + f.width()).max().orElse(0);
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        int[] covered = new int[size];
        for (Field f : fields) {
            switch (f.width()) {
                case 1 -> b.put(f.offset(), (byte) f.value());
                case 2 -> b.putShort(f.offset(), (short) f.value());
                case 4 -> b.putInt(f.offset(), (int) f.value());
                default -> b.putLong(f.offset(), f.value());
            }
            for (int i = 0; i < f.width(); i++) {
                covered[f.offset() + i]++;
            }
        }
        for (int c : covered) {
            if (c != 1) {
                return null;
            }
        }
        return b.array();
    }

    static List<VecFile> all() {
        try (Stream<Path> files = Files.list(DIRECTORY)) {
            return files.filter(p -> p.toString().endsWith(".vec")).sorted().map(VecFile::load).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static VecFile load(Path file) {
        Map<String, String> keys = new LinkedHashMap<>();
        List<Field> fields = new ArrayList<>();
        StringBuilder hex = new StringBuilder();
        try {
            for (String raw : Files.readAllLines(file)) {
                String line = raw;
                int hash = line.indexOf('#');
                if (hash >= 0) {
                    line = line.substring(0, hash);
                }
                line = line.strip();
                if (line.isEmpty()) {
                    continue;
                }
                int colon = line.indexOf(':');
                String key = line.substring(0, colon).strip();
                String value = line.substring(colon + 1).strip();
                if (key.equals("field")) {
                    String[] p = value.split("\\s+");
                    fields.add(new Field(Integer.decode(p[0]), p[1], p[2], parse(p[3])));
                } else if (key.equals("hex")) {
                    hex.append(value.replaceAll("\\s+", ""));
                } else {
                    keys.put(key, value);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new VecFile(file, keys, fields, HexFormat.of().parseHex(hex.toString()));
    }

    private static long parse(String v) {
        String t = v.toLowerCase(java.util.Locale.ROOT);
        return t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseUnsignedLong(t);
    }
}
