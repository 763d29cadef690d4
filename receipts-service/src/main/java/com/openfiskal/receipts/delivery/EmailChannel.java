package com.openfiskal.receipts.delivery;

import com.openfiskal.receipts.receipt.ReceiptEntity;
import com.openfiskal.receipts.receipt.ReceiptService;
import com.openfiskal.receipts.render.Messages;
import com.openfiskal.receipts.render.ReceiptView;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import jakarta.enterprise.context.ApplicationScoped;

/** Receipts by e-mail over SMTP (Quarkus Mailer): the hosted link in the text, the PDF attached (§10.6). */
@ApplicationScoped
public class EmailChannel implements DeliveryChannel {

    private final Mailer mailer;
    private final ReceiptService receipts;
    private final DeliveryConfig config;

    public EmailChannel(Mailer mailer, ReceiptService receipts, DeliveryConfig config) {
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
        mailer.send(mail);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
