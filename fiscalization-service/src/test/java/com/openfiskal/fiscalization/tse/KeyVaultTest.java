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
}
