package com.openfiskal.fiscalization.tse;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM encryption of TSE secrets at rest under the master key. The context (e.g. the TSS id) is
 * bound as associated data, so a ciphertext copied to another TSS does not decrypt. During a key rotation
 * the previous master key still opens what it sealed, until {@link MasterKeyRotation} has resealed it.
 */
@ApplicationScoped
public class KeyVault {

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final Optional<SecretKeySpec> previous;
    private final SecureRandom random = new SecureRandom();

    @Inject
    public KeyVault(TseConfig config) {
        this(config.masterKey(), config.masterKeyPrevious());
    }

    public KeyVault(String masterKey, Optional<String> previousMasterKey) {
        this.key = aesKey(masterKey, "openfiskal.tse.master-key");
        this.previous =
                previousMasterKey.filter(k -> !k.isBlank()).map(k -> aesKey(k, "openfiskal.tse.master-key-previous"));
    }

    private static SecretKeySpec aesKey(String base64, String name) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            raw = new byte[0];
        }
        if (raw.length != 32) {
            throw new IllegalStateException(name + " must be base64 of 32 bytes");
        }
        return new SecretKeySpec(raw, "AES");
    }

    /** Whether a previous master key is configured (a rotation is under way). */
    public boolean rotating() {
        return previous.isPresent();
    }

    public byte[] encrypt(byte[] plain, String context) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(plain);
            return ByteBuffer.allocate(IV_BYTES + sealed.length)
                    .put(iv)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    public byte[] decrypt(byte[] stored, String context) {
        try {
            return open(key, stored, context);
        } catch (GeneralSecurityException e) {
            if (previous.isPresent()) {
                try {
                    return open(previous.get(), stored, context);
                } catch (GeneralSecurityException ignored) {
                    // neither key: reported below as for a single key
                }
            }
            throw new IllegalStateException("decryption failed: wrong master key or tampered data", e);
        }
    }

    /**
     * The secret sealed anew under the current master key, or null when it already is. Throws like
     * {@link #decrypt} when neither key opens it.
     */
    public byte[] reseal(byte[] stored, String context) {
        try {
            open(key, stored, context);
            return null;
        } catch (GeneralSecurityException e) {
            return encrypt(decrypt(stored, context), context);
        }
    }

    private static byte[] open(SecretKeySpec key, byte[] stored, String context) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 0, IV_BYTES));
        c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        return c.doFinal(stored, IV_BYTES, stored.length - IV_BYTES);
    }
}
