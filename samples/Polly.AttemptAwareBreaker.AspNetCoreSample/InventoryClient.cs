namespace Polly.AttemptAwareBreaker.AspNetCoreSample;

/// <summary>A typed client for the (flaky) inventory service.</summary>
public sealed class InventoryClient(HttpClient http)
{
    public async Task<string> GetStockAsync(string sku, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"flaky/stock/{Uri.EscapeDataString(sku)}", cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }
}
