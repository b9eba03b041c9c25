package dev.facesweep.worker.provider;

/**
 * The configured execution provider cannot run here (not in this build, no device, DLLs missing, self-test
 * failed). The message is one line saying what to do; the worker exits with code 2 unless a fallback is
 * configured.
 */
public class ProviderUnavailableException extends Exception {

    public ProviderUnavailableException(String message) {
        super(message, null, false, false);
    }

    public ProviderUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
