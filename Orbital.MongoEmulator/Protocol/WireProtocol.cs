using System.Buffers.Binary;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;

namespace Orbital.MongoEmulator.Protocol;

/// <summary>
/// Reads and writes MongoDB wire messages: <c>OP_QUERY</c> (the legacy handshake) answered by <c>OP_REPLY</c>,
/// and <c>OP_MSG</c> (everything else), including kind-1 document sequences and the optional checksum.
/// </summary>
internal static class WireProtocol
{
    public const int OpReply = 1;
    public const int OpQuery = 2004;
    public const int OpCompressed = 2012;
    public const int OpMsg = 2013;

    private const int HeaderLength = 16;
    private const int MaxMessageLength = 48_000_000;
    private const uint ChecksumPresent = 1;
    private const uint MoreToCome = 1 << 1;

    /// <summary>Reads one message; <see langword="null"/> when the client closed the connection.</summary>
    public static async Task<WireRequest?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderLength];
        if (!await ReadExactlyOrEndAsync(stream, header, cancellationToken))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        var requestId = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
        var opCode = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12));
        if (length < HeaderLength || length > MaxMessageLength)
        {
            throw new InvalidDataException($"A wire message of {length} bytes is out of range.");
        }

        var body = new byte[length - HeaderLength];
        if (!await ReadExactlyOrEndAsync(stream, body, cancellationToken))
        {
            return null;
        }

        return opCode switch
        {
            OpMsg => ParseOpMsg(requestId, body),
            OpQuery => ParseOpQuery(requestId, body),
            _ => throw new InvalidDataException($"Opcode {opCode} is not spoken by this server (no compression is offered)."),
        };
    }

    /// <summary>An <c>OP_MSG</c> answer holding one body document.</summary>
    public static byte[] OpMsgReply(int requestId, int responseTo, BsonDocument body)
    {
        var document = body.ToBson();
        var message = new byte[HeaderLength + 4 + 1 + document.Length];
        WriteHeader(message, requestId, responseTo, OpMsg);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(HeaderLength), 0);
        message[HeaderLength + 4] = 0;
        document.CopyTo(message, HeaderLength + 5);
        return message;
    }

    /// <summary>An <c>OP_REPLY</c> answer to a legacy <c>OP_QUERY</c> command.</summary>
    public static byte[] OpReplyReply(int requestId, int responseTo, BsonDocument body)
    {
        var document = body.ToBson();
        var message = new byte[HeaderLength + 20 + document.Length];
        WriteHeader(message, requestId, responseTo, OpReply);
        var span = message.AsSpan(HeaderLength);
        BinaryPrimitives.WriteInt32LittleEndian(span, 0); // responseFlags
        BinaryPrimitives.WriteInt64LittleEndian(span[4..], 0); // cursorID
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], 0); // startingFrom
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 1); // numberReturned
        document.CopyTo(message, HeaderLength + 20);
        return message;
    }

    private static WireRequest ParseOpMsg(int requestId, byte[] body)
    {
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(body);
        var end = (flags & ChecksumPresent) != 0 ? body.Length - 4 : body.Length;
        var position = 4;
        BsonDocument? command = null;
        var sequences = new List<(string Identifier, BsonArray Documents)>();

        while (position < end)
        {
            var kind = body[position++];
            if (kind == 0)
            {
                var size = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(position));
                command = Deserialize(body, position, size);
                position += size;
            }
            else if (kind == 1)
            {
                var size = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(position));
                var sectionEnd = position + size;
                position += 4;
                var identifierEnd = Array.IndexOf(body, (byte)0, position);
                var identifier = System.Text.Encoding.UTF8.GetString(body, position, identifierEnd - position);
                position = identifierEnd + 1;
                var documents = new BsonArray();
                while (position < sectionEnd)
                {
                    var documentSize = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(position));
                    documents.Add(Deserialize(body, position, documentSize));
                    position += documentSize;
                }

                sequences.Add((identifier, documents));
            }
            else
            {
                throw new InvalidDataException($"OP_MSG section kind {kind} is not defined.");
            }
        }

        if (command is null)
        {
            throw new InvalidDataException("OP_MSG without a body section.");
        }

        foreach (var (identifier, documents) in sequences)
        {
            command[identifier] = documents;
        }

        var database = command.GetValue("$db", "admin").AsString;
        return new WireRequest(requestId, command, database, IsLegacy: false, MoreToCome: (flags & MoreToCome) != 0);
    }

    private static WireRequest ParseOpQuery(int requestId, byte[] body)
    {
        var position = 4; // flags
        var namespaceEnd = Array.IndexOf(body, (byte)0, position);
        var fullCollectionName = System.Text.Encoding.UTF8.GetString(body, position, namespaceEnd - position);
        position = namespaceEnd + 1 + 8; // numberToSkip, numberToReturn
        var size = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(position));
        var query = Deserialize(body, position, size);

        if (!fullCollectionName.EndsWith(".$cmd", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Legacy OP_QUERY on '{fullCollectionName}' is not supported; only commands are.");
        }

        // Drivers may wrap a command sent to a secondary: { $query: {...}, $readPreference: {...} }.
        if (query.TryGetValue("$query", out var wrapped) && wrapped is BsonDocument inner)
        {
            query = inner;
        }

        var database = fullCollectionName[..^".$cmd".Length];
        return new WireRequest(requestId, query, database, IsLegacy: true, MoreToCome: false);
    }

    private static BsonDocument Deserialize(byte[] buffer, int offset, int count)
    {
        using var stream = new MemoryStream(buffer, offset, count, writable: false);
        using var reader = new BsonBinaryReader(stream);
        return BsonSerializer.Deserialize<BsonDocument>(reader);
    }

    private static void WriteHeader(byte[] message, int requestId, int responseTo, int opCode)
    {
        BinaryPrimitives.WriteInt32LittleEndian(message, message.Length);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(4), requestId);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(8), responseTo);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(12), opCode);
    }

    private static async Task<bool> ReadExactlyOrEndAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}
