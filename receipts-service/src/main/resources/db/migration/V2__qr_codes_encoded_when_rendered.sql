-- The TSE QR code is no longer encoded when a receipt is built: choosing its mask was nearly all of the
-- CPU of consuming an operation, spent on receipts that are mostly never opened. It is encoded when a
-- page, PDF or e-mail first needs it and kept in memory (ReceiptService).
ALTER TABLE receipts DROP COLUMN qr_modules;
