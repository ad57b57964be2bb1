-- The coverage engine's contributor rows go with their carrier: emptying a
-- dataset (which deletes the carriers) also empties them, so no stale
-- contribution can outlive the inventory it came from.
DELETE FROM coverage_contributors c WHERE NOT EXISTS (SELECT 1 FROM carriers k WHERE k.id = c.carrier_id);
--> statement-breakpoint
ALTER TABLE coverage_contributors
  ADD CONSTRAINT coverage_contributors_carrier_fk FOREIGN KEY (carrier_id) REFERENCES carriers (id) ON DELETE CASCADE;
--> statement-breakpoint
-- Area class → propagation environment, configurable. Defaults keep Hata and
-- TR 38.901 consistent at their 2 GHz seam (see shared/src/radio/range.ts):
-- households sit in villages, Okumura's "suburban" (a village scattered with
-- trees and houses), not in his "open area" (cleared farmland).
INSERT INTO coverage_parameters (key, value, unit, description_vi, description_en, min_value, max_value) VALUES
  ('hata.environment.urban', 2, 'code', 'Hiệu chỉnh Hata cho thôn đô thị (0 trống, 1 ngoại ô, 2 thành phố vừa, 3 thành phố lớn)', 'Hata correction for urban villages (0 open, 1 suburban, 2 medium city, 3 large city)', 0, 3),
  ('hata.environment.suburban', 1, 'code', 'Hiệu chỉnh Hata cho thôn ven đô (0 trống, 1 ngoại ô, 2 thành phố vừa, 3 thành phố lớn)', 'Hata correction for suburban villages (0 open, 1 suburban, 2 medium city, 3 large city)', 0, 3),
  ('hata.environment.rural', 1, 'code', 'Hiệu chỉnh Hata cho thôn nông thôn (0 trống, 1 ngoại ô, 2 thành phố vừa, 3 thành phố lớn)', 'Hata correction for rural villages (0 open, 1 suburban, 2 medium city, 3 large city)', 0, 3),
  ('tr38901.scenario.urban', 1, 'code', 'Kịch bản 3GPP TR 38.901 cho thôn đô thị (0 RMa, 1 UMa)', '3GPP TR 38.901 scenario for urban villages (0 RMa, 1 UMa)', 0, 1),
  ('tr38901.scenario.suburban', 0, 'code', 'Kịch bản 3GPP TR 38.901 cho thôn ven đô (0 RMa, 1 UMa)', '3GPP TR 38.901 scenario for suburban villages (0 RMa, 1 UMa)', 0, 1),
  ('tr38901.scenario.rural', 0, 'code', 'Kịch bản 3GPP TR 38.901 cho thôn nông thôn (0 RMa, 1 UMa)', '3GPP TR 38.901 scenario for rural villages (0 RMa, 1 UMa)', 0, 1)
ON CONFLICT (key) DO NOTHING;
