-- Permit desk (issue 8): the compliance rules as editable rows, the desk's
-- settings, and the numbering of references and decision letters.
--
-- Each rule's params are read by its check in
-- server/src/modules/permits/checks/. Distances are metres, shares are 0..1.
-- `blocking`: a 'fail' of a blocking rule prevents approval; 'warn' never does.
-- Sharing radii per area class follow the plan's push for shared BTS sites
-- (dùng chung vị trí BTS 20%): urban 300 m, suburban 500 m, rural 1000 m.
INSERT INTO permit_rules (id, name_vi, name_en, applies_to, params, blocking) VALUES
  ('co_location', 'Dùng chung vị trí (cột sẵn có còn chỗ)', 'Co-location (existing structure with spare capacity)', '{site}',
   '{"radiusMByAreaClass": {"urban": 300, "suburban": 500, "rural": 1000}, "defaultAreaClass": "rural", "verdictWhenFound": "fail", "verdictWhenJustified": "warn", "structureStatuses": ["active", "permitted"]}', true),
  ('no_build_zone', 'Vùng cấm xây dựng', 'No-build zone', '{site,route}',
   '{"nearM": 50}', true),
  ('height_limit', 'Vùng hạn chế chiều cao', 'Height-limit zone', '{site}',
   '{"warnWithinM": 5}', true),
  ('planned_tower_area', 'Khu vực quy hoạch trạm BTS', 'Planned tower area', '{site}',
   '{"outsideVerdict": "warn"}', true),
  ('underground_required', 'Tuyến phố bắt buộc hạ ngầm', 'Underground-required street', '{route}',
   '{"defaultStreetBufferM": 10, "crossingToleranceM": 30}', true),
  ('must_use_conduit', 'Bắt buộc dùng cống bể / tuy-nen còn chỗ', 'Must use a conduit or tunnel with free ducts', '{route}',
   '{"alongsideBufferM": 15, "mustUseShare": 0.5, "warnShare": 0.2, "minFreeDucts": 1, "structureStatuses": ["active", "permitted"]}', true),
  ('duplicate_site', 'Trùng vị trí trạm của chính doanh nghiệp', 'Duplicate of the applicant''s own site', '{site}',
   '{"duplicateRadiusM": 20, "warnRadiusM": 100}', true),
  ('coverage_gain', 'Mức tăng vùng phủ (tham khảo)', 'Coverage gain (context)', '{site}',
   '{"warnBelowHouseholds": 1, "technology": "4G"}', false)
ON CONFLICT (id) DO NOTHING;
--> statement-breakpoint
INSERT INTO settings (key, value) VALUES
  ('permit_site_validity_months', '6'),
  ('permit_attachment_max_bytes', '20971520'),
  ('co_use_answer_days', '30')
ON CONFLICT (key) DO NOTHING;
--> statement-breakpoint
CREATE SEQUENCE IF NOT EXISTS permit_reference_seq;
--> statement-breakpoint
CREATE SEQUENCE IF NOT EXISTS permit_decision_number_seq;
