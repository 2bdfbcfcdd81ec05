package org.herald.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret a push subscription's service worker shows to fetch its messages: an HMAC of the contact id under the
 * server's client secret. Nothing is stored; the same subscription always gets the same secret, and it dies with the
 * subscription.
 */
public final class PushContactSecrets {
    private static final String PURPOSE = "herald push contact\0";
    private final SecretKeySpec key;

    public PushContactSecrets(String serverSecret) {
        this.key = new SecretKeySpec(serverSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public String secretFor(String contactId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] tag = mac.doFinal((PURPOSE + contactId).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean matches(String contactId, String presented) {
        if (presented == null) return false;
        return MessageDigest.isEqual(secretFor(contactId).getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }
}
