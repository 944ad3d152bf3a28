package dev.relaysim.relay.gateway.config;

/** Where a setting's effective value came from, in rising precedence. */
public enum SettingSource {
    /** Its declared default, or the embedded configuration's. */
    DEFAULT,
    /** The {@code --config} file. */
    FILE,
    /** Its {@code RELAYSIM_*} environment variable. */
    ENVIRONMENT,
    /** Its command-line flag. */
    FLAG;

    /** How {@code gateway --check} names the source of {@code setting}: {@code flag --tls-port}. */
    public String describe(Setting<?> setting) {
        return switch (this) {
            case DEFAULT -> "default";
            case FILE -> "file";
            case ENVIRONMENT -> "env " + setting.environmentVariable().orElseThrow();
            case FLAG -> "flag " + setting.option().orElseThrow();
        };
    }
}
