package org.herald.config;

/** Invalid configuration; the message names the key. Herald refuses to start with it. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
