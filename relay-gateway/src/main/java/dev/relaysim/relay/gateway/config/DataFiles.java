package dev.relaysim.relay.gateway.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The management API's state files in the data directory: written so that a crash leaves the old document or the
 * new one, read strictly, and a broken one refused with the file's path, since starting without it would silently
 * drop the saved changes.
 */
public final class DataFiles {

    /** Strict on reading (no duplicate keys, nothing after the document), indented on writing. */
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();
    /** What every refusal of a broken state file ends with. */
    public static final String REFUSAL = "; the gateway does not start rather than drop the management changes "
            + "saved there (fix the file, or delete it to start from the configuration alone)";

    private DataFiles() {
    }

    /**
     * The JSON document in {@code file}, or empty when there is no file.
     *
     * @throws IOException {@code <file> line L, column C: <problem> (expected: valid JSON)} and {@link #REFUSAL}
     *                     when it is not JSON, or {@code <file>: empty ...} when it holds nothing
     */
    public static Optional<JsonNode> readJson(Path file) throws IOException {
        requireNonNull(file, "file");
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (JacksonException e) {
            JsonLocation location = e.getLocation();
            String where = location == null ? "" : " line " + location.getLineNr() + ", column "
                    + location.getColumnNr();
            throw new IOException(file + where + ": " + e.getOriginalMessage().lines().findFirst().orElse("malformed")
                    + " (expected: valid JSON)" + REFUSAL, e);
        }
        if (root == null || root.isMissingNode()) {
            throw new IOException(file + ": empty (expected: a JSON object)" + REFUSAL);
        }
        return Optional.of(root);
    }

    /**
     * Replaces {@code file} with {@code content}: a temporary file in the same directory, forced to disk, then
     * {@link StandardCopyOption#ATOMIC_MOVE}. Creates the directory if needed.
     *
     * @throws IOException when it cannot be written; the old file stays and no temporary file is left
     */
    public static void replace(Path file, byte[] content) throws IOException {
        requireNonNull(file, "file");
        requireNonNull(content, "content");
        Path directory = file.toAbsolutePath().getParent();
        Path temporary = null;
        try {
            Files.createDirectories(directory);
            temporary = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(content);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true); // on disk before it replaces the old document
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + directory + " cannot replace files atomically", e);
            }
        } catch (IOException e) {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }
}
