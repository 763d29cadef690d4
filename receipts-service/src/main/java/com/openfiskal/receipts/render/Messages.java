package com.openfiskal.receipts.render;

import io.quarkus.qute.i18n.Message;
import io.quarkus.qute.i18n.MessageBundle;

/**
 * Every text a receipt prints, in German (the default); English in {@code messages/msg_en.properties}. The
 * hosted page, the PDF and the e-mail all read their labels from here.
 */
@MessageBundle(value = "msg", locale = "de")
public interface Messages {

    @Message("Beleg")
    String receipt();

    @Message("Verkauf")
    String typeSale();

    @Message("Rückgabe")
    String typeReturn();

    @Message("Umtausch")
    String typeExchange();

    @Message("Datum")
    String date();

    @Message("Kasse")
    String register();

    @Message("Belegnummer (extern)")
    String externalReference();

    @Message("Bezug auf Vorgang")
    String relatedOperation();

    @Message("Menge")
    String quantity();

    @Message("Artikel")
    String description();

    @Message("Einzelpreis")
    String unitPrice();

    @Message("Betrag")
    String amount();

    @Message("USt.")
    String vat();

    @Message("Rabatt")
    String discount();

    @Message("Summe")
    String total();

    @Message("Trinkgeld")
    String tip();

    @Message("Steuersatz")
    String taxRate();

    @Message("Netto")
    String net();

    @Message("Steuer")
    String tax();

    @Message("Brutto")
    String gross();

    @Message("steuerfrei")
    String exempt();

    @Message("Mit * gekennzeichnete Positionen sind nicht steuerbar bzw. steuerfrei.")
    String exemptNote();

    @Message("Zahlungen")
    String payments();

    @Message("Bar")
    String paymentCash();

    @Message("Karte")
    String paymentCard();

    @Message("Gutschein")
    String paymentVoucher();

    @Message("Geschenkkarte")
    String paymentGiftCard();

    @Message("Überweisung")
    String paymentBankTransfer();

    @Message("Mobile Zahlung")
    String paymentDigitalWallet();

    @Message("Guthaben")
    String paymentStoreCredit();

    @Message("Sonstige")
    String paymentOther();

    @Message("Steuernummer / USt-IdNr.")
    String taxId();

    @Message("TSE-Daten")
    String tseData();

    @Message("Transaktionsbeginn")
    String transactionStart();

    @Message("Transaktionsende")
    String transactionEnd();

    @Message("Transaktionsnummer")
    String transactionNumber();

    @Message("Signaturzähler")
    String signatureCounter();

    @Message("Seriennummer Kasse")
    String clientSerial();

    @Message("Seriennummer TSE")
    String tssSerial();

    @Message("Signatur (Prüfwert)")
    String signature();

    @Message("Signaturalgorithmus")
    String signatureAlgorithm();

    @Message("Zeitformat")
    String timeFormat();

    @Message("Öffentlicher Schlüssel")
    String publicKey();

    @Message("Nicht zertifizierte Software-TSE: Dieser Beleg ist nicht durch eine BSI-zertifizierte TSE abgesichert.")
    String uncertified();

    @Message("Online-Vorgang: nicht TSE-pflichtig, ohne TSE-Daten.")
    String online();

    @Message("QR-Code zur Prüfung der TSE-Signatur")
    String qrCaption();

    @Message("Als PDF herunterladen")
    String downloadPdf();

    @Message("Ihr Beleg von {name}")
    String mailSubject(String name);

    @Message("Vielen Dank für Ihren Einkauf. Ihr Beleg ist online abrufbar:")
    String mailIntro();

    @Message("Der Beleg ist als PDF angehängt.")
    String mailAttachment();
}
