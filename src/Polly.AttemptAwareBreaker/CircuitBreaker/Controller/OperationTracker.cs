using System.Runtime.CompilerServices;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// Correlates attempts with their operation through the <see cref="ResilienceContext"/>: Polly's retry reuses one context
/// for all attempts of an operation, and the pool clears a context's properties when the operation ends.
/// A property present on the context means "a later attempt of the same operation"; absent means "a new operation".
/// The record itself is kept per context object, so pooled contexts make this allocation-free once warm.
/// </summary>
internal sealed class OperationTracker
{
    private static long _nextTrackerId;

    private readonly ConditionalWeakTable<ResilienceContext, OperationRecord> _records = new();
    private readonly ResiliencePropertyKey<OperationRecord> _key;

    public OperationTracker()
        => _key = new($"Polly.AttemptAwareBreaker.Operation.{Interlocked.Increment(ref _nextTrackerId)}");

    public OperationRecord Get(ResilienceContext context)
    {
        if (context.Properties.TryGetValue(_key, out var record))
        {
            return record;
        }

        record = _records.GetOrCreateValue(context);
        record.Reset();
        context.Properties.Set(_key, record);
        return record;
    }
}
