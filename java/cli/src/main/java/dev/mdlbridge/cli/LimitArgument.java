package dev.mdlbridge.cli;

import dev.mdlbridge.api.LimitSetting;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --limit NAME=VALUE}: the name checked against the limits, the value a number or a size such as 2G. */
public final class LimitArgument {

    private LimitArgument() {
    }

    /** Parsed only: the simulator clamps, as the driver does, and reports the limit clamped. */
    public static final class Parsed implements ITypeConverter<LimitSetting> {
        @Override
        public LimitSetting convert(String value) {
            try {
                return LimitSetting.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Parsed and in range: what is written to the driver's registry key must not need clamping. */
    public static final class InRange implements ITypeConverter<LimitSetting> {
        @Override
        public LimitSetting convert(String value) {
            try {
                return LimitSetting.parse(value).checkRange();
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
