package org.herald.cluster;

import org.herald.core.RecipientId;

/**
 * Names of Herald's Redis keys and channels, all under one prefix: {@code nodes} (node → last heartbeat),
 * {@code p:<recipient>} (node → connections), {@code on:<node>} (recipients connected there), channel
 * {@code n:<node>} (notifications for that node's sessions) and {@code t:<topic>} (topic events for every node).
 */
record ClusterKeys(String prefix) {
    /** On a Redis Cluster: {@code herald:} becomes {@code {herald:}}, one hash slot for every key (scripts span keys). */
    static String hashTagged(String prefix) {
        return prefix.contains("{") ? prefix : "{" + prefix + "}";
    }

    String nodes() {
        return prefix + "nodes";
    }

    String presence(RecipientId recipient) {
        return prefix + "p:" + recipient;
    }

    String recipientsOf(String node) {
        return prefix + "on:" + node;
    }

    String recipientSetPrefix() {
        return prefix + "on:";
    }

    String nodeChannelPrefix() {
        return prefix + "n:";
    }

    String nodeChannel(String node) {
        return nodeChannelPrefix() + node;
    }

    String topicChannel(String topic) {
        return prefix + "t:" + topic;
    }

    String topicPattern() {
        return prefix + "t:*";
    }

    String topicOf(String channel) {
        return channel.substring(prefix.length() + 2);
    }

    /** The last state of a topic whose source is one node (BLF), for subscribers on the others. */
    String snapshot(String topic) {
        return prefix + "snapshot:" + topic;
    }
}
