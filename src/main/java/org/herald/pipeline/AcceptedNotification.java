package org.herald.pipeline;

/** The answer to an accepted notification: its JSON (the 202 body) and whether it repeats an earlier answer. */
public record AcceptedNotification(String id, String responseJson, boolean replayed) {}
