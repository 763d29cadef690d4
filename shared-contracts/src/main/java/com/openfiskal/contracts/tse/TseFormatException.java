package com.openfiskal.contracts.tse;

/** A TSE log message that does not have the structure of TR-03151 (TSE.md §3). */
public class TseFormatException extends RuntimeException {
    public TseFormatException(String message) {
        super(message);
    }
}
