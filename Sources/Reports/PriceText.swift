import CostModel
import Foundation
import Simulation

/// How a bill line is priced, in words: `0.00004 each over 1,000,000`.
enum PriceText {
    /// Short description for tables and JSON `unit_price`; nil for fee and credit lines.
    static func describe(_ line: CostLine) -> String? {
        switch line.kind {
        case .fee, .credit: return nil
        case .compute: return line.perSecond.map { NumberFormat.price($0) + " per second" }
        case .usage:
            guard let price = line.price else { return line.included == nil ? "free" : "capped at included" }
            return describe(price)
        }
    }

    static func describe(_ price: Price) -> String {
        switch price {
        case .unit(let value): return NumberFormat.price(value)
        case .block(let per, let amount): return "\(NumberFormat.price(amount)) per started \(NumberFormat.quantity(per))"
        case .prorated(let per, let amount): return "\(NumberFormat.price(amount)) per \(NumberFormat.quantity(per))"
        case .tiers(let tiers):
            let bands = tiers.map { tier in
                tier.upTo.map { "\(NumberFormat.price(tier.price)) to \(NumberFormat.quantity($0))" } ?? "then \(NumberFormat.price(tier.price))"
            }
            return "tiered: " + bands.joined(separator: ", ")
        }
    }
}
