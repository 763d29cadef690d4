package com.openfiskal.receipts.delivery;

import com.openfiskal.receipts.receipt.ReceiptEntity;
import com.openfiskal.receipts.receipt.ReceiptService;
import com.openfiskal.receipts.render.Messages;
import com.openfiskal.receipts.render.ReceiptView;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.TimeoutException;
import jakarta.enterprise.context.ApplicationScoped;

/** Receipts by e-mail over SMTP (Quarkus Mailer): the hosted link in the text, the PDF attached (§10.6). */
@ApplicationScoped
public class EmailChannel implements DeliveryChannel {

    private final ReactiveMailer mailer;
    private final ReceiptService receipts;
    private final DeliveryConfig config;

    public EmailChannel(ReactiveMailer mailer, ReceiptService receipts, DeliveryConfig config) {
        this.mailer = mailer;
        this.receipts = receipts;
        this.config = config;
    }

    @Override
    public String name() {
        return "email";
    }

    @Override
    public void send(String recipient, String lang, ReceiptEntity receipt) {
        ReceiptView view = receipts.view(receipt, lang);
        Messages m = ReceiptView.messages(lang);
        String link = receipts.hostedLink(receipt);
        String text = m.mailIntro() + "\n\n" + link + "\n\n" + m.mailAttachment() + "\n\n" + view.legalName() + "\n";
        String html = "<p>" + escape(m.mailIntro()) + "</p><p><a href=\"" + escape(link) + "\">" + escape(link)
                + "</a></p><p>" + escape(m.mailAttachment()) + "</p><p>" + escape(view.legalName()) + "</p>";
        Mail mail = Mail.withText(recipient, m.mailSubject(view.legalName()), text)
                .setHtml(html)
                .setFrom(config.mailFrom())
                .addAttachment(view.fileName(), receipts.pdf(receipt, view).bytes(), "application/pdf");
        try {
            mailer.send(mail).await().atMost(config.sendTimeout());
        } catch (TimeoutException e) {
            // the dialogue may still finish late: a retry can then send the receipt twice, which beats never
            throw new IllegalStateException("The SMTP server did not complete the send within "
                    + config.sendTimeout().toSeconds() + " s.");
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
