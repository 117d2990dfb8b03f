namespace Polly.AttemptAwareBreaker.CircuitBreaker.Operations;

/// <summary>
/// A small lock-free pool of operation records for the composed strategy, which knows when its operations start and end.
/// </summary>
internal sealed class OperationRecordPool
{
    private readonly OperationRecord?[] _items = new OperationRecord?[Math.Max(4, Environment.ProcessorCount * 2)];

    public OperationRecord Rent(object owner)
    {
        for (var i = 0; i < _items.Length; i++)
        {
            if (Interlocked.Exchange(ref _items[i], null) is { } item)
            {
                item.Reset(owner);
                return item;
            }
        }

        var created = new OperationRecord();
        created.Reset(owner);
        return created;
    }

    public void Return(OperationRecord record)
    {
        for (var i = 0; i < _items.Length; i++)
        {
            if (Interlocked.CompareExchange(ref _items[i], record, null) is null)
            {
                return;
            }
        }
    }
}
