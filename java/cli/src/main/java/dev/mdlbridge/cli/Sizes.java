package dev.mdlbridge.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses sizes and offsets: decimal (10000), hex (0x123), or with a binary suffix (4K, 1M, 1G). */
public final class Sizes implements ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        return parse(value);
    }

    public static long parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT).replace("_", "");
        try {
            if (t.startsWith("0X")) {
                return Long.parseUnsignedLong(t.substring(2), 16);
            }
            long mult = 1;
            if (t.endsWith("KIB") || t.endsWith("K")) {
                mult = 1L << 10;
            } else if (t.endsWith("MIB") || t.endsWith("M")) {
                mult = 1L << 20;
            } else if (t.endsWith("GIB") || t.endsWith("G")) {
                mult = 1L << 30;
            }
            String digits = t.replaceAll("(KIB|MIB|GIB|K|M|G)$", "");
            long v = Long.parseLong(digits);
            if (v < 0) {
                throw new TypeConversionException("'" + text + "' is negative: give a size of 0 or more");
            }
            return Math.multiplyExact(v, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new TypeConversionException("'" + text + "' is not a size: use a number (10000), hex (0x123) "
                    + "or a size with K, M or G (4K, 1G)");
        }
    }
}
