namespace Polly.AttemptAwareBreaker.AspNetCoreSample;

/// <summary>A typed client for the (steady) pricing service; it has its own circuit, so an inventory outage leaves it alone.</summary>
public sealed class PricingClient(HttpClient http)
{
    public async Task<string> GetPriceAsync(string sku, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"prices/{Uri.EscapeDataString(sku)}", cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }
}
