package com.openfiskal.fiscalization.tse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class KeyVaultTest {

    private static TseConfig config(String masterKey) {
        return new TseConfig() {
            @Override
            public String masterKey() {
                return masterKey;
            }

            @Override
            public java.util.Optional<String> masterKeyPrevious() {
                return java.util.Optional.empty();
            }

            @Override
            public String curve() {
                return "P-256";
            }

            @Override
            public Fault fault() {
                return Fault.NONE;
            }

            @Override
            public java.time.Duration timeout() {
                return java.time.Duration.ofSeconds(5);
            }
        };
    }

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void shouldDecryptOnlyWithTheSameKeyAndContext() {
        KeyVault vault = new KeyVault(config(KEY));
        byte[] secret = "private key bytes".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = vault.encrypt(secret, "tss_1");
        assertArrayEquals(secret, vault.decrypt(sealed, "tss_1"));
        assertThrows(IllegalStateException.class, () -> vault.decrypt(sealed, "tss_2"));
        byte[] otherKey = new byte[32];
        otherKey[0] = 1;
        KeyVault other = new KeyVault(config(Base64.getEncoder().encodeToString(otherKey)));
        assertThrows(IllegalStateException.class, () -> other.decrypt(sealed, "tss_1"));
        sealed[sealed.length - 1] ^= 1;
        assertThrows(IllegalStateException.class, () -> vault.decrypt(sealed, "tss_1"));
    }

    @Test
    void shouldRefuseAMasterKeyThatIsNot256Bits() {
        assertThrows(
                IllegalStateException.class,
                () -> new KeyVault(config(Base64.getEncoder().encodeToString(new byte[16]))));
    }

    @Test
    void shouldOpenWhatThePreviousKeySealedAndResealItUnderTheCurrentOne() {
        String previous = KEY;
        byte[] raw = new byte[32];
        raw[31] = 7;
        String current = Base64.getEncoder().encodeToString(raw);
        byte[] secret = "private key bytes".getBytes(StandardCharsets.UTF_8);
        byte[] sealedBefore = new KeyVault(previous, java.util.Optional.empty()).encrypt(secret, "tss_1");

        KeyVault rotating = new KeyVault(current, java.util.Optional.of(previous));
        assertArrayEquals(secret, rotating.decrypt(sealedBefore, "tss_1"));
        byte[] resealed = rotating.reseal(sealedBefore, "tss_1");
        org.junit.jupiter.api.Assertions.assertNotNull(resealed);
        org.junit.jupiter.api.Assertions.assertNull(rotating.reseal(resealed, "tss_1"), "already current");

        KeyVault afterwards = new KeyVault(current, java.util.Optional.empty());
        assertArrayEquals(secret, afterwards.decrypt(resealed, "tss_1"));
        assertThrows(IllegalStateException.class, () -> afterwards.decrypt(sealedBefore, "tss_1"));
        KeyVault unrelated = new KeyVault(current, java.util.Optional.of(current));
        assertThrows(IllegalStateException.class, () -> unrelated.reseal(sealedBefore, "tss_1"));
    }
}
