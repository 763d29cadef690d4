package com.openfiskal.contracts.kassensichv;

/** The receipt QR string of API.md §8.4 / TSE.md: 12 fields joined by {@code ;}, encoded byte for byte. */
public final class QrCode {

    private QrCode() {}

    public static String data(
            String clientSerial,
            String processType,
            String processData,
            long transactionNumber,
            long finishSignatureCounter,
            String startTime,
            String finishTime,
            String signatureAlgorithm,
            String timeFormat,
            String finishSignature,
            String publicKey) {
        return String.join(
                ";",
                "V0",
                clientSerial,
                processType,
                processData,
                Long.toString(transactionNumber),
                Long.toString(finishSignatureCounter),
                startTime,
                finishTime,
                signatureAlgorithm,
                timeFormat,
                finishSignature,
                publicKey);
    }
}
