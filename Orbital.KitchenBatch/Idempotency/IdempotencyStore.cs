using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Http;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Idempotency;

/// <summary>
/// Keeps idempotency keys and their answers in PostgreSQL, in the request's own transaction: the key is claimed
/// first (a second request with it waits until the first ends, then finds its answer), the answer is recorded with
/// the write it answers, and neither exists without the other. Answers are encrypted with a key derived from the
/// manager key, because some carry a device token or a pairing code.
/// </summary>
public sealed class IdempotencyStore(KitchenDbContext db, IOptions<KitchenAuthOptions> auth, IOptions<IdempotencyOptions> options, TimeProvider time)
{
    private static readonly byte[] s_purpose = "orbital idempotent answers v1"u8.ToArray();
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>
    /// Claims <paramref name="key"/> for this request, inside the current transaction; a key claimed before (and not
    /// expired) is not claimed again.
    /// </summary>
    /// <returns>Null when this request claimed the key; otherwise the earlier request's record.</returns>
    public async Task<IdempotencyRecord?> ClaimAsync(string subject, string key, string fingerprint, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var expired = now - options.Value.KeyLifetime;

        // An expired record is taken over as if it were not there; a live one is left alone (and waited for, while
        // the request that holds it is under way).
        var claimed = await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO idempotency_keys (subject, key, fingerprint, status_code, location, response, created_at)
            VALUES ({subject}, {key}, {fingerprint}, 0, NULL, NULL, {now})
            ON CONFLICT (subject, key) DO UPDATE
                SET fingerprint = excluded.fingerprint, status_code = 0, location = NULL, response = NULL, created_at = excluded.created_at
                WHERE idempotency_keys.created_at < {expired}
            """,
            cancellationToken);
        return claimed == 1
            ? null
            : await db.Set<IdempotencyRecord>().AsNoTracking().SingleAsync(r => r.Subject == subject && r.Key == key, cancellationToken);
    }

    /// <summary>Records the answer to the request that claimed <paramref name="key"/>, in its transaction.</summary>
    public async Task RecordAsync(string subject, string key, int statusCode, string? location, byte[]? body, CancellationToken cancellationToken)
    {
        var response = body is null ? null : Seal(body);
        await db.Database.ExecuteSqlAsync(
            $"UPDATE idempotency_keys SET status_code = {statusCode}, location = {location}, response = {response} WHERE subject = {subject} AND key = {key}",
            cancellationToken);
    }

    /// <summary>The body of a recorded answer, as it was sent.</summary>
    public byte[]? Open(IdempotencyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Response is not { Length: >= NonceSize + TagSize } sealedBody)
        {
            return null;
        }

        var plain = new byte[sealedBody.Length - NonceSize - TagSize];
        using var aes = new AesGcm(Key(), TagSize);
        aes.Decrypt(sealedBody.AsSpan(0, NonceSize), sealedBody.AsSpan(NonceSize + TagSize), sealedBody.AsSpan(NonceSize, TagSize), plain);
        return plain;
    }

    /// <summary>Removes records older than the key lifetime.</summary>
    public Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var expired = time.GetUtcNow() - options.Value.KeyLifetime;
        return db.Set<IdempotencyRecord>().Where(r => r.CreatedAt < expired).ExecuteDeleteAsync(cancellationToken);
    }

    private byte[] Seal(byte[] body)
    {
        var sealedBody = new byte[NonceSize + TagSize + body.Length];
        RandomNumberGenerator.Fill(sealedBody.AsSpan(0, NonceSize));
        using var aes = new AesGcm(Key(), TagSize);
        aes.Encrypt(sealedBody.AsSpan(0, NonceSize), body, sealedBody.AsSpan(NonceSize + TagSize), sealedBody.AsSpan(NonceSize, TagSize));
        return sealedBody;
    }

    private byte[] Key() => auth.Value.ManagerKey is { Length: > 0 } managerKey
        ? HMACSHA256.HashData(Encoding.UTF8.GetBytes(managerKey), s_purpose)
        : throw new InvalidOperationException($"{KitchenAuthOptions.SectionName}:ManagerKey is not set: answers cannot be kept for idempotent retries.");
}
