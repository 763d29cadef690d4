package com.openfiskal.dsfinvk;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes a DSFinV-K archive as API.md §9.6 specifies it: one flat POSIX ustar TAR with index.xml, the DTD
 * and the 20 CSV tables in the order index.xml declares them, mode 0644, UTF-8 names. A TAR header needs
 * the member's size first, so each table is spooled to a temporary file and then appended: memory stays
 * flat whatever the window, and temporary disk is bounded by one table.
 */
public final class ArchiveWriter {

    /** Writes the data records of one table (the header is written by the archive). */
    @FunctionalInterface
    public interface TableContent {
        void write(Schema.Table table, Writer out) throws IOException;
    }

    private ArchiveWriter() {}

    public static void write(OutputStream out, Path spoolDir, Instant modified, TableContent content)
            throws IOException {
        Schema schema = Schema.official();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_ERROR);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_ERROR);
            add(tar, Schema.INDEX_XML, schema.indexXml(), modified);
            add(tar, Schema.DTD, Schema.dtd(), modified);
            for (Schema.Table table : schema.tables()) {
                Path spool = Files.createTempFile(spoolDir, "dsfinvk-", ".csv");
                try {
                    try (Writer w =
                            new BufferedWriter(Files.newBufferedWriter(spool, StandardCharsets.UTF_8), 1 << 16)) {
                        w.write(Csv.header(table));
                        content.write(table, w);
                    }
                    TarArchiveEntry e = entry(table.file(), Files.size(spool), modified);
                    tar.putArchiveEntry(e);
                    Files.copy(spool, tar);
                    tar.closeArchiveEntry();
                } finally {
                    Files.deleteIfExists(spool);
                }
            }
            tar.finish();
        }
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] bytes, Instant modified)
            throws IOException {
        tar.putArchiveEntry(entry(name, bytes.length, modified));
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry entry(String name, long size, Instant modified) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        e.setMode(0100644);
        e.setModTime(Date.from(modified));
        return e;
    }
}
